// Says whether a live screen is receiving data, announced politely when it changes.
import type { StreamStatus } from '../monitoring/live-stream.ts';

const texts: Record<StreamStatus, string> = {
  connecting: 'Connecting to the live stream…',
  live: 'Live',
  reconnecting: 'Connection lost; reconnecting…',
  refused: 'The live stream refused this request',
  'signed-out': 'Signed out: the live stream has stopped. Sign in again to see live data.',
};

export function StreamNotice({ status, reason }: { status: StreamStatus; reason?: string }) {
  return (
    <p class={`stream stream-${status}`} role="status">
      <span class="stream-dot" aria-hidden="true" />{' '}
      {(status === 'refused' || status === 'signed-out') && reason ? reason : texts[status]}
    </p>
  );
}
