// Keeps a WebSocket to monitoring's live stream open: parses frames, reconnects with back-off
// after a drop (each reconnect starts with a fresh snapshot), and reports whether it is live.
// The platform checks the token once, when the socket opens, so the stream re-authenticates itself:
// when the session's access token changes (refreshed for any reason) it reconnects with the new
// one, shortly before the token expires it asks for a fresh one (which refreshes it), and when the
// session ends it closes and says so instead of streaming on a token nobody holds any more.
import { type LiveFrame, liveUrl } from '../api/monitoring.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused' | 'signed-out';

/** What the stream needs of a WebSocket (the browser's; tests pass their own). */
export interface SocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  close(code?: number, reason?: string): void;
}

/** The session as the stream sees it. */
export interface StreamAuth {
  /** The Authorization value (`Bearer …`), refreshed first when the token is about to expire. */
  token: () => Promise<string | undefined>;
  /** When the current token expires (epoch ms); undefined without one (e.g. an open platform). */
  expiresAt: () => number | undefined;
  /** Calls back whenever the session changes: signed in (tokens may be new) or not. */
  watch: (listener: (signedIn: boolean) => void) => () => void;
}

export interface LiveStreamOptions {
  target: { patient: string } | { ward: string };
  auth: StreamAuth;
  onFrame: (frame: LiveFrame) => void;
  onStatus: (status: StreamStatus, reason?: string) => void;
  /** The console's origin (location.origin). */
  origin: string;
  /** Opens a WebSocket (the browser's; tests pass their own). */
  openSocket: (url: string) => SocketLike;
  now?: () => number;
}

/** Ask for a fresh token this long before the current one expires (the session refreshes within 30 s). */
export const reauthMarginMs = 20_000;

export function openLiveStream(options: LiveStreamOptions): () => void {
  const { origin, openSocket } = options;
  const now = options.now ?? Date.now;
  let socket: SocketLike | undefined;
  /** The Authorization value the open (or opening) socket carries. */
  let inUse: string | undefined;
  let closed = false;
  let signedOut = false;
  let attempt = 0;
  /** Bumped by every (re)connect: a connect that was overtaken while awaiting its token gives up. */
  let generation = 0;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let reauthTimer: ReturnType<typeof setTimeout> | undefined;

  function drop(reason: string): void {
    const current = socket;
    socket = undefined;
    if (current) {
      current.onclose = null;
      current.onmessage = null;
      current.close(1000, reason);
    }
  }

  function scheduleReauth(): void {
    if (reauthTimer) clearTimeout(reauthTimer);
    const expiresAt = options.auth.expiresAt();
    if (expiresAt === undefined) return;
    reauthTimer = setTimeout(
      () => {
        // Refreshes the session's token; its change reaches `watch`, which reconnects.
        void options.auth.token().then(
          (token) => {
            if (token !== undefined && token !== inUse) void connect('token refreshed');
          },
          () => {},
        );
      },
      Math.max(1_000, expiresAt - reauthMarginMs - now()),
    );
  }

  async function connect(why?: string): Promise<void> {
    const mine = ++generation;
    if (retryTimer) clearTimeout(retryTimer);
    options.onStatus(attempt === 0 && why === undefined ? 'connecting' : 'reconnecting');
    let token: string | undefined;
    try {
      token = await options.auth.token();
    } catch {
      token = undefined;
    }
    if (closed || signedOut || mine !== generation) return;
    drop(why ?? 'reconnecting');
    const url = new URL(liveUrl(origin, options.target));
    if (token) url.searchParams.set('access_token', token.replace(/^Bearer /, ''));
    inUse = token;
    const current = openSocket(url.toString());
    socket = current;
    scheduleReauth();
    current.onopen = () => {
      attempt = 0;
      options.onStatus('live');
    };
    current.onmessage = (event) => {
      try {
        options.onFrame(JSON.parse(String(event.data)) as LiveFrame);
      } catch {
        // A frame that is not JSON is ignored; the next snapshot or frame corrects the picture.
      }
    };
    current.onclose = (event) => {
      if (closed || signedOut || socket !== current) return;
      socket = undefined;
      if (event.code === 1008) {
        options.onStatus('refused', event.reason || 'The live stream refused this request');
        return;
      }
      attempt += 1;
      options.onStatus('reconnecting');
      retryTimer = setTimeout(() => void connect(), Math.min(500 * 2 ** attempt, 10_000));
    };
  }

  const unwatch = options.auth.watch((signedIn) => {
    if (closed) return;
    if (!signedIn) {
      if (signedOut) return;
      signedOut = true;
      generation += 1;
      if (retryTimer) clearTimeout(retryTimer);
      if (reauthTimer) clearTimeout(reauthTimer);
      drop('signed out');
      inUse = undefined;
      options.onStatus(
        'signed-out',
        'Signed out: the live stream has stopped. Sign in again to see live data.',
      );
      return;
    }
    const wasSignedOut = signedOut;
    signedOut = false;
    void options.auth.token().then(
      (token) => {
        if (!closed && !signedOut && (wasSignedOut || token !== inUse)) void connect('token refreshed');
      },
      () => {},
    );
  });

  void connect();
  return () => {
    closed = true;
    unwatch();
    if (retryTimer) clearTimeout(retryTimer);
    if (reauthTimer) clearTimeout(reauthTimer);
    drop('screen closed');
  };
}
