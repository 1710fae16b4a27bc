// Keeps a WebSocket to monitoring's live stream open: parses frames, reconnects with back-off
// after a drop (each reconnect starts with a fresh snapshot), and reports whether it is live.
import { type LiveFrame, liveUrl } from '../api/monitoring.ts';

export type StreamStatus = 'connecting' | 'live' | 'reconnecting' | 'refused';

export interface LiveStreamOptions {
  target: { patient: string } | { ward: string };
  /** Bearer token, sent as the RFC 6750 `access_token` query parameter (browsers cannot set headers on WebSocket). */
  token: () => Promise<string | undefined>;
  onFrame: (frame: LiveFrame) => void;
  onStatus: (status: StreamStatus, reason?: string) => void;
}

export function openLiveStream(options: LiveStreamOptions): () => void {
  let socket: WebSocket | undefined;
  let closed = false;
  let attempt = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function connect(): Promise<void> {
    options.onStatus(attempt === 0 ? 'connecting' : 'reconnecting');
    const url = new URL(liveUrl(location.origin, options.target));
    const token = await options.token();
    if (token) url.searchParams.set('access_token', token.replace(/^Bearer /, ''));
    if (closed) return;
    const current = new WebSocket(url);
    socket = current;
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
      if (closed) return;
      if (event.code === 1008) {
        options.onStatus('refused', event.reason || 'The live stream refused this request');
        return;
      }
      attempt += 1;
      options.onStatus('reconnecting');
      timer = setTimeout(() => void connect(), Math.min(500 * 2 ** attempt, 10_000));
    };
  }

  void connect();
  return () => {
    closed = true;
    if (timer) clearTimeout(timer);
    socket?.close(1000, 'screen closed');
  };
}
