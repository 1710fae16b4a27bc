// Progress of an import on stderr: a redrawn bar on a terminal (resources done/total, rate, ETA),
// a plain line every few seconds otherwise (CI logs, pipes).
export interface ProgressOptions {
  total: number;
  stream: NodeJS.WriteStream;
  /** Plain-line interval when the stream is not a TTY. Default 5 s. */
  plainIntervalMs?: number;
  now?: () => number;
}

export interface Progress {
  add(resources: number): void;
  /** Final redraw and a newline on a terminal; stops the timer. */
  finish(): void;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(rest).padStart(2, '0')}s`
      : `${rest}s`;
}

export function progressLine(
  done: number,
  total: number,
  elapsedS: number,
  width: number | undefined,
): string {
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const percent = total > 0 ? Math.floor((done / total) * 100) : 100;
  const figures = `${done}/${total} resources ${percent}%  ${Math.round(rate)}/s  ETA ${formatDuration(eta)}`;
  if (width === undefined) return figures;
  const barWidth = Math.max(10, Math.min(40, width - figures.length - 4));
  const filled = total > 0 ? Math.round((done / total) * barWidth) : barWidth;
  return `[${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}] ${figures}`;
}

export function startProgress(options: ProgressOptions): Progress {
  const { total, stream } = options;
  const now = options.now ?? Date.now;
  const startedAt = now();
  const tty = stream.isTTY === true;
  let done = 0;
  const draw = () => {
    const line = progressLine(done, total, (now() - startedAt) / 1000, tty ? stream.columns : undefined);
    stream.write(tty ? `\r${line}\u001b[K` : `import: ${line}\n`);
  };
  const timer = setInterval(draw, tty ? 200 : (options.plainIntervalMs ?? 5_000));
  timer.unref();
  return {
    add(resources) {
      done += resources;
    },
    finish() {
      clearInterval(timer);
      if (tty) {
        draw();
        stream.write('\n');
      }
    },
  };
}
