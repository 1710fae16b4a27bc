// Lines on one time axis for uPlot: the union of the lines' times (seconds), each line's value at
// those times or null where it has none.
import type { HistoryPoint } from './live-state.ts';

export function alignLines(lines: ReadonlyArray<readonly HistoryPoint[]>): {
  times: number[];
  values: Array<Array<number | null>>;
} {
  const times = [...new Set(lines.flatMap((line) => line.map((point) => point.t)))].sort((a, b) => a - b);
  const values = lines.map((line) => {
    const byTime = new Map(line.map((point) => [point.t, point.v]));
    return times.map((t) => byTime.get(t) ?? null);
  });
  return { times: times.map((t) => t / 1000), values };
}
