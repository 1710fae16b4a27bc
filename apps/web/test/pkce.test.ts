// PKCE (RFC 7636): verifier alphabet and length, the S256 challenge against the RFC's own example,
// and base64url without padding.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { base64Url, codeChallengeS256, createCodeVerifier, randomToken } from '../app/auth/pkce.ts';

describe('PKCE', () => {
  it('computes the S256 challenge of RFC 7636 appendix B', async () => {
    expect(await codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes verifiers of 43–128 unreserved characters, different each time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 43, max: 128 }), (length) => {
        const verifier = createCodeVerifier(length);
        expect(verifier).toMatch(new RegExp(`^[A-Za-z0-9\\-._~]{${length}}$`));
      }),
    );
    expect(createCodeVerifier()).not.toBe(createCodeVerifier());
  });

  it('refuses a verifier length outside 43–128', () => {
    expect(() => createCodeVerifier(42)).toThrow(RangeError);
    expect(() => createCodeVerifier(129)).toThrow(RangeError);
  });

  it('uses every byte below 198 and drops the rest, so each symbol is equally likely', () => {
    const bytes = [0, 65, 197, 198, 255, 1];
    let call = 0;
    const verifier = createCodeVerifier(43, (buffer) => {
      buffer.fill(0);
      if (call++ === 0) buffer.set(bytes);
    });
    // 0 → 'A', 65 → '~', 197 → 197 % 66 = 65 → '~', 198 and 255 dropped, 1 → 'B', then zeros → 'A'.
    expect(verifier.slice(0, 5)).toBe('A~~BA');
  });

  it('encodes base64url without padding', () => {
    expect(base64Url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(randomToken()).toMatch(/^[A-Za-z0-9_-]{32}$/);
  });
});
