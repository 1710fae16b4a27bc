// The alert state machine (raised → acknowledged → resolved, re-raised when worse) with its
// escalation chain and anti-flapping hysteresis. Pure: every step takes the time as an argument
// and returns the new state and the effects to carry out, so tests drive it with an exact clock.
import { type Severity, severityRank } from './alert-rules.ts';

export type AlertStatus = 'raised' | 'acknowledged' | 'resolved';

export interface AlertPolicy {
  /**
   * Escalation chain: step 0 is told when the alert is raised; step i+1 when step i has gone
   * unacknowledged for its `afterMs`. E.g. nurse → charge nurse → rapid response team.
   */
  escalation: ReadonlyArray<{ role: string; afterMs: number }>;
  /** The condition must stay clear this long before the alert resolves (hysteresis). */
  clearAfterMs: number;
  /**
   * After an alert resolves, the same rule at the same or lower severity does not raise again
   * within this window (a flapping value is reported once); a worse severity always raises.
   */
  suppressAfterResolveMs: number;
}

export interface AlertState {
  status: AlertStatus;
  severity: Severity;
  raisedAtMs: number;
  /** Index in the escalation chain last notified. */
  escalationLevel: number;
  escalatedAtMs: number;
  acknowledgedAtMs?: number;
  acknowledgedBy?: string;
  resolvedAtMs?: number;
  /** When the condition was last seen clear while the alert was open (start of the clear run). */
  clearSinceMs?: number;
}

export type AlertEffect =
  | { type: 'raised'; severity: Severity; notify: string }
  | { type: 're-raised'; severity: Severity; previous: Severity; notify: string }
  | { type: 'escalated'; level: number; notify: string }
  | { type: 'acknowledged'; by: string }
  | { type: 'resolved' }
  | { type: 'suppressed'; severity: Severity };

export interface Step {
  state: AlertState | undefined;
  effects: AlertEffect[];
}

function firstRole(policy: AlertPolicy): string {
  const first = policy.escalation[0];
  if (!first) throw new Error('alert policy needs at least one escalation step');
  return first.role;
}

function raise(severity: Severity, nowMs: number): AlertState {
  return { status: 'raised', severity, raisedAtMs: nowMs, escalationLevel: 0, escalatedAtMs: nowMs };
}

/**
 * The rule's condition was evaluated: `severity` when it holds, undefined when clear. Opens,
 * re-raises (only when worse), or starts/stops the clear run; resolving happens in `tick`.
 */
export function observe(
  state: AlertState | undefined,
  severity: Severity | undefined,
  nowMs: number,
  policy: AlertPolicy,
): Step {
  if (severity === undefined) {
    if (!state || state.status === 'resolved') return { state, effects: [] };
    if (state.clearSinceMs !== undefined) return { state, effects: [] };
    return { state: { ...state, clearSinceMs: nowMs }, effects: [] };
  }
  if (!state || state.status === 'resolved') {
    const recentlyResolved =
      state?.resolvedAtMs !== undefined && nowMs - state.resolvedAtMs < policy.suppressAfterResolveMs;
    if (state && recentlyResolved && severityRank(severity) <= severityRank(state.severity)) {
      return { state, effects: [{ type: 'suppressed', severity }] };
    }
    return {
      state: raise(severity, nowMs),
      effects: [{ type: 'raised', severity, notify: firstRole(policy) }],
    };
  }
  const { clearSinceMs: _cleared, ...open } = state;
  if (severityRank(severity) > severityRank(state.severity)) {
    return {
      state: raise(severity, nowMs),
      effects: [{ type: 're-raised', severity, previous: state.severity, notify: firstRole(policy) }],
    };
  }
  // Same or better while open: stays open at its worst severity; the clear run (if any) is broken.
  return { state: open, effects: [] };
}

/** Time passed: escalates an unacknowledged alert along the chain, resolves one clear long enough. */
export function tick(state: AlertState | undefined, nowMs: number, policy: AlertPolicy): Step {
  if (!state || state.status === 'resolved') return { state, effects: [] };
  if (state.clearSinceMs !== undefined && nowMs - state.clearSinceMs >= policy.clearAfterMs) {
    return { state: { ...state, status: 'resolved', resolvedAtMs: nowMs }, effects: [{ type: 'resolved' }] };
  }
  if (state.status !== 'raised') return { state, effects: [] };
  let current = state;
  const effects: AlertEffect[] = [];
  for (;;) {
    const step = policy.escalation[current.escalationLevel];
    const next = policy.escalation[current.escalationLevel + 1];
    if (!step || !next || nowMs - current.escalatedAtMs < step.afterMs) break;
    const level = current.escalationLevel + 1;
    current = { ...current, escalationLevel: level, escalatedAtMs: current.escalatedAtMs + step.afterMs };
    effects.push({ type: 'escalated', level, notify: next.role });
  }
  return { state: current, effects };
}

/** Someone acknowledged: escalation stops; the alert stays open until its condition clears. */
export function acknowledge(state: AlertState | undefined, by: string, nowMs: number): Step {
  if (state?.status !== 'raised') return { state, effects: [] };
  return {
    state: { ...state, status: 'acknowledged', acknowledgedAtMs: nowMs, acknowledgedBy: by },
    effects: [{ type: 'acknowledged', by }],
  };
}

/** When the next escalation is due, for schedulers; undefined when none is pending. */
export function nextEscalationAtMs(state: AlertState | undefined, policy: AlertPolicy): number | undefined {
  if (state?.status !== 'raised') return undefined;
  const step = policy.escalation[state.escalationLevel];
  if (!step || !policy.escalation[state.escalationLevel + 1]) return undefined;
  return state.escalatedAtMs + step.afterMs;
}
