// Alert rules: what condition a patient's latest state puts each rule in. Pure: given the NEWS2
// result, the latest vitals and per-patient limits, each rule answers with a severity or nothing.
import type { News2Result } from './news2.ts';
import type { VitalKind } from './vital-codes.ts';

/** Ordered: a higher index is worse. */
export const severities = ['warning', 'urgent', 'emergency'] as const;
export type Severity = (typeof severities)[number];

export function severityRank(severity: Severity): number {
  return severities.indexOf(severity);
}

/** Rule keys: one alert per (patient, rule key) at a time. */
export type RuleKey = 'news2' | `limit:${VitalKind}` | `silent:${string}`;

export interface VitalLimit {
  low?: number;
  high?: number;
}

export type VitalLimits = Partial<Record<VitalKind, VitalLimit>>;

/** NEWS2 → alert severity: high band emergency, medium or low–medium (red score) urgent, else none. */
export function news2Severity(result: News2Result | undefined): Severity | undefined {
  if (!result) return undefined;
  if (result.band === 'high') return 'emergency';
  if (result.band === 'medium' || result.band === 'low-medium') return 'urgent';
  return undefined;
}

/** A numeric vital outside the patient's limits is urgent; unknown or inside, no alert. */
export function limitSeverity(
  value: number | undefined,
  limit: VitalLimit | undefined,
): Severity | undefined {
  if (value === undefined || limit === undefined) return undefined;
  if (limit.low !== undefined && value < limit.low) return 'urgent';
  if (limit.high !== undefined && value > limit.high) return 'urgent';
  return undefined;
}

/** A device that has sent nothing for `silentAfterMs` (by arrival time) is a warning. */
export function silenceSeverity(
  lastArrivalMs: number,
  nowMs: number,
  silentAfterMs: number,
): Severity | undefined {
  return nowMs - lastArrivalMs >= silentAfterMs ? 'warning' : undefined;
}
