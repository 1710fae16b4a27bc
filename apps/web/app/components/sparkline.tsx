// A small inline trend line (SVG) for the monitoring wall: cheap enough to draw for every bed
// every second; the numbers beside it carry the meaning, the line only the shape.

export interface Point {
  t: number;
  v: number;
}

export function sparklinePath(points: readonly Point[], width: number, height: number): string {
  if (points.length < 2) return '';
  const t0 = points[0]!.t;
  const t1 = points[points.length - 1]!.t;
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const point of points) {
    low = Math.min(low, point.v);
    high = Math.max(high, point.v);
  }
  const span = high - low || 1;
  const x = (t: number) => (t1 === t0 ? 0 : ((t - t0) / (t1 - t0)) * width);
  const y = (v: number) => height - 1 - ((v - low) / span) * (height - 2);
  return points
    .map((point, index) => `${index ? 'L' : 'M'}${x(point.t).toFixed(1)},${y(point.v).toFixed(1)}`)
    .join('');
}

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
