// PKCE (RFC 7636) for the browser sign-in: a random code verifier and its S256 challenge, and a
// random `state`; WebCrypto only, so the same module runs in the browser and in Node's tests.

const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';
const acceptBelow = 256 - (256 % unreserved.length);

/** base64url without padding (RFC 4648 §5), as PKCE and JOSE want it. */
export function base64Url(bytes: Uint8Array<ArrayBuffer>): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

/** A verifier of `length` (43–128) characters from the unreserved set, from a CSPRNG. */
export function createCodeVerifier(
  length = 64,
  random: (bytes: Uint8Array<ArrayBuffer>) => void = fillRandom,
): string {
  if (!Number.isInteger(length) || length < 43 || length > 128) {
    throw new RangeError('a PKCE code verifier has 43 to 128 characters');
  }
  const bytes = new Uint8Array(length);
  random(bytes);
  // 66 symbols: bytes at or above 198 (3 × 66) are dropped so each symbol is equally likely.
  let verifier = '';
  let index = 0;
  while (verifier.length < length) {
    if (index === bytes.length) {
      random(bytes);
      index = 0;
    }
    const byte = bytes[index++]!;
    if (byte < acceptBelow) verifier += unreserved[byte % unreserved.length];
  }
  return verifier;
}

/** S256: base64url(SHA-256(ASCII(verifier))). */
export async function codeChallengeS256(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64Url(new Uint8Array(digest));
}

/** An opaque random value for `state` and `nonce`. */
export function randomToken(bytes = 24): string {
  const buffer = new Uint8Array(bytes);
  fillRandom(buffer);
  return base64Url(buffer);
}

function fillRandom(bytes: Uint8Array<ArrayBuffer>): void {
  crypto.getRandomValues(bytes);
}
