// A small inline trend line (SVG) for the monitoring wall: cheap enough to draw for every bed
// every second; the numbers beside it carry the meaning, the line only the shape.
import { type Point, sparklinePath } from '../monitoring/sparkline-path.ts';

export function Sparkline({ points, label }: { points: readonly Point[]; label: string }) {
  const width = 96;
  const height = 28;
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={label}
    >
      <path d={sparklinePath(points, width, height)} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}
