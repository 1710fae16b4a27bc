// The live stream re-authenticates: a refreshed session token reopens the socket with the new token
// (the platform checks it only at the upgrade), a token about to expire is refreshed first, a drop
// reconnects with a current token, and signing out closes the stream and says so — no reconnect.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openLiveStream, type SocketLike, type StreamStatus } from '../app/monitoring/live-stream.ts';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  closedWith: { code?: number; reason?: string } | undefined;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  get token(): string | null {
    return new URL(this.url).searchParams.get('access_token');
  }
  close(code?: number, reason?: string): void {
    this.closedWith = { code, reason };
  }
}

function harness(expiresInMs = 45_000) {
  const sockets: FakeSocket[] = [];
  const statuses: StreamStatus[] = [];
  let listener: ((signedIn: boolean) => void) | undefined;
  const session = {
    token: 'token-1' as string | undefined,
    expiresAt: (Date.now() + expiresInMs) as number | undefined,
    /** What a refresh would hand out next (undefined: the refresh is refused). */
    next: 'token-2' as string | undefined,
    refreshes: 0,
  };
  const close = openLiveStream({
    target: { ward: 'ward-7' },
    origin: 'https://console.example.org',
    auth: {
      // Like Session.authorization(): refreshes within 30 s of expiry.
      token: async () => {
        if (session.token && session.expiresAt! - 30_000 <= Date.now()) {
          session.refreshes += 1;
          session.token = session.next;
          session.expiresAt = session.next ? Date.now() + expiresInMs : undefined;
          listener?.(session.token !== undefined);
        }
        return session.token && `Bearer ${session.token}`;
      },
      expiresAt: () => session.expiresAt,
      watch: (l) => {
        listener = l;
        return () => {
          listener = undefined;
        };
      },
    },
    onFrame: () => {},
    onStatus: (status) => statuses.push(status),
    openSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
  });
  const open = async () => {
    await vi.advanceTimersByTimeAsync(0);
    sockets.at(-1)?.onopen?.({});
  };
  return { sockets, statuses, session, close, open, emit: (signedIn: boolean) => listener?.(signedIn) };
}

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('openLiveStream re-authentication', () => {
  it('opens with the bearer token as access_token on the ward stream', async () => {
    const stream = harness();
    await stream.open();
    expect(stream.sockets).toHaveLength(1);
    const url = new URL(stream.sockets[0]!.url);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(
      'wss://console.example.org/monitoring/v1/live',
    );
    expect(url.searchParams.get('ward')).toBe('ward-7');
    expect(stream.sockets[0]!.token).toBe('token-1');
    expect(stream.statuses.at(-1)).toBe('live');
    stream.close();
  });

  it('reconnects with the new token when the session refreshes it, closing the old socket', async () => {
    const stream = harness();
    await stream.open();
    stream.session.token = 'token-from-an-api-call';
    stream.emit(true);
    await stream.open();
    expect(stream.sockets.map((socket) => socket.token)).toEqual(['token-1', 'token-from-an-api-call']);
    expect(stream.sockets[0]!.closedWith?.code).toBe(1000);
    expect(stream.sockets[1]!.closedWith).toBeUndefined();
    expect(stream.statuses.at(-1)).toBe('live');
    // The same token again (any other session change) does not reconnect.
    stream.emit(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(stream.sockets).toHaveLength(2);
    stream.close();
  });

  it('refreshes a token about to expire and reconnects with it, before the old one lapses', async () => {
    const stream = harness(45_000);
    await stream.open();
    await vi.advanceTimersByTimeAsync(24_000);
    expect(stream.sockets).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2_000);
    await stream.open();
    expect(stream.session.refreshes).toBe(1);
    expect(stream.sockets.map((socket) => socket.token)).toEqual(['token-1', 'token-2']);
    expect(stream.sockets[0]!.closedWith?.code).toBe(1000);
    // And again for the next token's lifetime.
    stream.session.next = 'token-3';
    await vi.advanceTimersByTimeAsync(26_000);
    await stream.open();
    expect(stream.sockets.map((socket) => socket.token)).toEqual(['token-1', 'token-2', 'token-3']);
    stream.close();
  });

  it('after a drop reconnects with back-off and a current token', async () => {
    const stream = harness();
    await stream.open();
    stream.sockets[0]!.onclose?.({ code: 1006, reason: '' });
    expect(stream.statuses.at(-1)).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1_000);
    await stream.open();
    expect(stream.sockets).toHaveLength(2);
    expect(stream.sockets[1]!.token).toBe('token-1');
    expect(stream.statuses.at(-1)).toBe('live');
    stream.close();
  });

  it('when the refresh is refused (signed out) closes the stream, says so, and does not reconnect', async () => {
    const stream = harness(45_000);
    await stream.open();
    stream.session.next = undefined;
    await vi.advanceTimersByTimeAsync(26_000);
    expect(stream.statuses.at(-1)).toBe('signed-out');
    expect(stream.sockets[0]!.closedWith).toEqual({ code: 1000, reason: 'signed out' });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(stream.sockets).toHaveLength(1);
    // Signing in again (a new token) brings the stream back.
    stream.session.token = 'token-after-sign-in';
    stream.session.expiresAt = Date.now() + 45_000;
    stream.emit(true);
    await stream.open();
    expect(stream.sockets.at(-1)!.token).toBe('token-after-sign-in');
    expect(stream.statuses.at(-1)).toBe('live');
    stream.close();
  });

  it('stops everything when the screen closes', async () => {
    const stream = harness();
    await stream.open();
    stream.close();
    expect(stream.sockets[0]!.closedWith?.reason).toBe('screen closed');
    stream.emit(true);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(stream.sockets).toHaveLength(1);
  });
});
