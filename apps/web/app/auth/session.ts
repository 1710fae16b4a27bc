// The console's session: whether the platform has a sign-in service, the current tokens (in
// memory, mirrored to sessionStorage so a reload keeps the tab signed in, gone with the tab), and
// refreshing them shortly before they expire or when the API answers 401.
import {
  authorizationRequest,
  type ClientSettings,
  discover,
  endSessionUrl,
  exchangeCode,
  type FetchLike,
  jwtClaims,
  type PendingSignIn,
  type ProviderMetadata,
  refresh,
  revokeToken,
  signedOutState,
  type TokenSet,
} from './oidc.ts';

export type SessionStatus = 'starting' | 'open' | 'signed-out' | 'signed-in' | 'failed';

export interface SessionUser {
  name: string;
  fhirUser?: string;
}

export interface SessionSnapshot {
  status: SessionStatus;
  user?: SessionUser;
  message?: string;
}

export interface SessionDeps {
  fetch: FetchLike;
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
  origin: string;
  navigate: (url: string) => void;
  now: () => number;
}

const tokensKey = 'healthlane.tokens';
const pendingKey = 'healthlane.sign-in';
/** Refresh this long before expiry, so a request never leaves with a token about to lapse. */
const refreshMarginMs = 30_000;

export const consoleClient = (origin: string): ClientSettings => ({
  clientId: 'healthlane-console',
  redirectUri: `${origin}/signin/callback`,
  postLogoutRedirectUri: `${origin}/signin`,
  scope: 'openid fhirUser offline_access user/*.cruds',
});

/** Whether a page load is the provider returning the browser after sign-out. */
export function isSignedOutReturn(path: string, query: URLSearchParams): boolean {
  return path === '/signin' && query.get('state') === signedOutState;
}

export class Session {
  #deps: SessionDeps;
  #client: ClientSettings;
  #metadata: ProviderMetadata | undefined;
  #tokens: TokenSet | undefined;
  #refreshing: Promise<boolean> | undefined;
  #started: Promise<void> | undefined;
  #snapshot: SessionSnapshot = { status: 'starting' };
  #listeners = new Set<(snapshot: SessionSnapshot) => void>();

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#client = consoleClient(deps.origin);
  }

  get snapshot(): SessionSnapshot {
    return this.#snapshot;
  }

  /** When the current access token expires (epoch ms); undefined without one. */
  get tokenExpiresAt(): number | undefined {
    return this.#tokens?.expiresAt;
  }

  subscribe(listener: (snapshot: SessionSnapshot) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Finds the provider and restores tokens kept by this tab (once; later calls wait for it). */
  start(): Promise<void> {
    this.#started ??= this.#start();
    return this.#started;
  }

  async #start(): Promise<void> {
    try {
      this.#metadata = await discover(this.#deps.fetch, this.#deps.origin);
    } catch (error) {
      this.#set({ status: 'failed', message: (error as Error).message });
      return;
    }
    if (!this.#metadata) {
      this.#set({ status: 'open' });
      return;
    }
    const kept = this.#deps.storage.getItem(tokensKey);
    this.#tokens = kept ? (JSON.parse(kept) as TokenSet) : undefined;
    if (this.#tokens && this.#tokens.expiresAt <= this.#deps.now() && !(await this.refreshNow())) return;
    this.#signedInOrOut();
  }

  async signIn(returnTo: string): Promise<void> {
    if (!this.#metadata) return;
    const { url, pending } = await authorizationRequest(this.#metadata, this.#client, returnTo);
    this.#deps.storage.setItem(pendingKey, JSON.stringify(pending));
    this.#deps.navigate(url);
  }

  /** The redirect back from the provider; returns where the user was going. */
  async completeSignIn(search: string): Promise<string> {
    await this.start();
    if (!this.#metadata) throw new Error('This platform has no sign-in service');
    const kept = this.#deps.storage.getItem(pendingKey);
    this.#deps.storage.removeItem(pendingKey);
    const pending = kept ? (JSON.parse(kept) as PendingSignIn) : undefined;
    const tokens = await exchangeCode(
      this.#deps.fetch,
      this.#metadata,
      this.#client,
      new URLSearchParams(search),
      pending,
      this.#deps.now,
    );
    this.#keep(tokens);
    return pending?.returnTo ?? '/';
  }

  /** The Authorization header for an API call, refreshed first when the token is about to expire. */
  async authorization(): Promise<string | undefined> {
    if (!this.#tokens) return undefined;
    if (this.#tokens.expiresAt - refreshMarginMs <= this.#deps.now()) await this.refreshNow();
    return this.#tokens ? `Bearer ${this.#tokens.accessToken}` : undefined;
  }

  /** One refresh at a time; false (and signed out) when there is no refresh token or it is refused. */
  refreshNow(): Promise<boolean> {
    this.#refreshing ??= this.#refresh().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Signs out here (tokens gone from memory and the tab), revokes the refresh token, and ends the
   * provider's session, which returns the browser to the console's sign-in page.
   */
  async signOut(): Promise<void> {
    const idToken = this.#tokens?.idToken;
    const refreshToken = this.#tokens?.refreshToken;
    this.#forget('signed-out');
    if (!this.#metadata) return;
    if (refreshToken) await revokeToken(this.#deps.fetch, this.#metadata, this.#client, refreshToken);
    const url = endSessionUrl(this.#metadata, this.#client, idToken);
    if (url) this.#deps.navigate(url);
  }

  async #refresh(): Promise<boolean> {
    const refreshToken = this.#tokens?.refreshToken;
    if (!this.#metadata || !refreshToken) {
      this.#forget('signed-out', 'Your session has ended; sign in again');
      return false;
    }
    try {
      this.#keep(await refresh(this.#deps.fetch, this.#metadata, this.#client, refreshToken, this.#deps.now));
      return true;
    } catch {
      this.#forget('signed-out', 'Your session has ended; sign in again');
      return false;
    }
  }

  #keep(tokens: TokenSet): void {
    this.#tokens = tokens;
    this.#deps.storage.setItem(tokensKey, JSON.stringify(tokens));
    this.#signedInOrOut();
  }

  #forget(status: SessionStatus, message?: string): void {
    this.#tokens = undefined;
    this.#deps.storage.removeItem(tokensKey);
    this.#set({ status, message });
  }

  #signedInOrOut(): void {
    if (!this.#tokens) {
      this.#set({ status: 'signed-out' });
      return;
    }
    this.#set({ status: 'signed-in', user: userOf(this.#tokens) });
  }

  #set(snapshot: SessionSnapshot): void {
    this.#snapshot = snapshot;
    for (const listener of this.#listeners) listener(snapshot);
  }
}

function userOf(tokens: TokenSet): SessionUser {
  if (!tokens.idToken) return { name: 'Signed in' };
  const claims = jwtClaims(tokens.idToken);
  const name = [claims.name, claims.preferred_username, claims.email, claims.sub].find(
    (value): value is string => typeof value === 'string' && value !== '',
  );
  return {
    name: name ?? 'Signed in',
    fhirUser: typeof claims.fhirUser === 'string' ? claims.fhirUser : undefined,
  };
}
