// The SVG path of a sparkline: time across the width, the value range up the height (highest at
// the top), one pixel of margin so the stroke is not clipped.

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
