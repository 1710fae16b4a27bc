// NEWS2 clinical risk bands (RCP 2017 Chart 2) as the console names and orders them; the colour
// is paired with the words everywhere, never carried by colour alone.

export type RiskBand = 'low' | 'low-medium' | 'medium' | 'high';

const labels: Record<RiskBand, string> = {
  low: 'Low',
  'low-medium': 'Low–medium',
  medium: 'Medium',
  high: 'High',
};
const order: Record<RiskBand, number> = { low: 0, 'low-medium': 1, medium: 2, high: 3 };

export function riskLabel(band: RiskBand): string {
  return labels[band];
}

export function isRiskBand(value: unknown): value is RiskBand {
  return typeof value === 'string' && value in order;
}

/** Highest risk first; within a band the higher NEWS2 total first; then a stable key. */
export function byRisk<T extends { band?: RiskBand; total?: number; key: string }>(a: T, b: T): number {
  const band = order[b.band ?? 'low'] - order[a.band ?? 'low'];
  if (band !== 0) return band;
  const total = (b.total ?? -1) - (a.total ?? -1);
  if (total !== 0) return total;
  return a.key.localeCompare(b.key);
}
