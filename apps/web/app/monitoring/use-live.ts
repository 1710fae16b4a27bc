// A screen's live view of one patient or one ward: the stream's frames folded into LiveState,
// rendered at most once a second (the monitors send faster than anyone reads).
import { useEffect, useRef, useState } from 'preact/hooks';
import type { LiveFrame } from '../api/monitoring.ts';
import { usePlatform } from '../platform.ts';
import { applyFrame, type LiveState } from './live-state.ts';
import { openLiveStream, type SocketLike, type StreamStatus } from './live-stream.ts';

export interface Live {
  state: LiveState;
  status: StreamStatus;
  reason?: string;
}

export function useLive(
  target: { patient: string } | { ward: string } | undefined,
  windowMs: number,
  options: { refreshMs?: number; seed?: () => Promise<LiveFrame[]> } = {},
): Live {
  const refreshMs = options.refreshMs ?? 1000;
  const { session } = usePlatform();
  const [live, setLive] = useState<Live>({ state: {}, status: 'connecting' });
  const latest = useRef<LiveState>({});
  const key = target ? JSON.stringify(target) : '';

  useEffect(() => {
    if (!target) return;
    latest.current = {};
    let dirty = true;
    let status: StreamStatus = 'connecting';
    let reason: string | undefined;
    const flush = () => {
      if (!dirty) return;
      dirty = false;
      setLive({ state: latest.current, status, reason });
    };
    const close = openLiveStream({
      target,
      origin: location.origin,
      openSocket: (url) => new WebSocket(url) as unknown as SocketLike,
      auth: {
        token: () => session.authorization(),
        expiresAt: () => session.tokenExpiresAt,
        watch: (listener) =>
          session.subscribe((snapshot) =>
            listener(snapshot.status === 'signed-in' || snapshot.status === 'open'),
          ),
      },
      onFrame: (frame) => {
        const first = Object.keys(latest.current).length === 0;
        latest.current = applyFrame(latest.current, frame, { windowMs });
        dirty = true;
        if (first) flush();
      },
      onStatus: (next, why) => {
        status = next;
        reason = why;
        dirty = true;
        flush();
      },
    });
    // Frames from before the stream opened (e.g. the last minutes of the series) fill the history.
    let active = true;
    options.seed?.().then(
      (frames) => {
        if (!active) return;
        for (const frame of frames) latest.current = applyFrame(latest.current, frame, { windowMs });
        dirty = true;
        flush();
      },
      () => {},
    );
    const interval = setInterval(flush, refreshMs);
    return () => {
      active = false;
      clearInterval(interval);
      close();
    };
  }, [key, windowMs, refreshMs, session]);
  return live;
}
