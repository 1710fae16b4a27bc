// The alert state machine and escalation chain, driven with exact times.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { limitSeverity, news2Severity, silenceSeverity } from '../src/domain/alert-rules.ts';
import {
  type AlertPolicy,
  type AlertState,
  acknowledge,
  nextEscalationAtMs,
  observe,
  tick,
} from '../src/domain/alert-state.ts';
import { scoreNews2 } from '../src/domain/news2.ts';

const policy: AlertPolicy = {
  escalation: [
    { role: 'nurse', afterMs: 60_000 },
    { role: 'charge-nurse', afterMs: 120_000 },
    { role: 'rapid-response-team', afterMs: 0 },
  ],
  clearAfterMs: 30_000,
  suppressAfterResolveMs: 300_000,
};

function raised(at = 0): AlertState {
  const step = observe(undefined, 'urgent', at, policy);
  if (!step.state) throw new Error('not raised');
  return step.state;
}

describe('raising', () => {
  it('a condition raises an alert and notifies the first role', () => {
    const step = observe(undefined, 'urgent', 1_000, policy);
    expect(step.effects).toEqual([{ type: 'raised', severity: 'urgent', notify: 'nurse' }]);
    expect(step.state).toMatchObject({
      status: 'raised',
      severity: 'urgent',
      raisedAtMs: 1_000,
      escalationLevel: 0,
    });
  });
  it('a clear condition with no alert does nothing', () => {
    expect(observe(undefined, undefined, 0, policy)).toEqual({ state: undefined, effects: [] });
  });
  it('the same or a lower severity while open changes nothing', () => {
    const state = raised();
    expect(observe(state, 'urgent', 5_000, policy)).toEqual({ state, effects: [] });
    expect(observe(state, 'warning', 5_000, policy)).toEqual({ state, effects: [] });
  });
  it('a worse severity re-raises from the start of the chain, also after acknowledgement', () => {
    const state = tick(raised(), 60_000, policy).state;
    expect(state?.escalationLevel).toBe(1);
    const acked = acknowledge(state, 'nurse-7', 61_000).state;
    const step = observe(acked, 'emergency', 62_000, policy);
    expect(step.effects).toEqual([
      { type: 're-raised', severity: 'emergency', previous: 'urgent', notify: 'nurse' },
    ]);
    expect(step.state).toMatchObject({
      status: 'raised',
      severity: 'emergency',
      escalationLevel: 0,
      raisedAtMs: 62_000,
    });
  });
});

describe('escalation', () => {
  it('escalates nurse → charge nurse → rapid response team while unacknowledged, then stops', () => {
    let state: AlertState | undefined = raised();
    expect(tick(state, 59_999, policy).effects).toEqual([]);
    let step = tick(state, 60_000, policy);
    expect(step.effects).toEqual([{ type: 'escalated', level: 1, notify: 'charge-nurse' }]);
    state = step.state;
    expect(nextEscalationAtMs(state, policy)).toBe(180_000);
    expect(tick(state, 179_999, policy).effects).toEqual([]);
    step = tick(state, 180_000, policy);
    expect(step.effects).toEqual([{ type: 'escalated', level: 2, notify: 'rapid-response-team' }]);
    state = step.state;
    expect(nextEscalationAtMs(state, policy)).toBeUndefined();
    expect(tick(state, 10_000_000, policy).effects).toEqual([]);
  });
  it('a late tick catches up every missed step in order', () => {
    const step = tick(raised(), 500_000, policy);
    expect(step.effects.map((e) => (e.type === 'escalated' ? e.notify : e.type))).toEqual([
      'charge-nurse',
      'rapid-response-team',
    ]);
  });
  it('acknowledgement stops escalation and records who and when', () => {
    const step = acknowledge(raised(), 'nurse-7', 30_000);
    expect(step.effects).toEqual([{ type: 'acknowledged', by: 'nurse-7' }]);
    expect(step.state).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'nurse-7',
      acknowledgedAtMs: 30_000,
    });
    expect(tick(step.state, 1_000_000, policy).effects).toEqual([]);
    expect(nextEscalationAtMs(step.state, policy)).toBeUndefined();
  });
  it('acknowledging twice or acknowledging nothing changes nothing', () => {
    const acked = acknowledge(raised(), 'a', 1).state;
    expect(acknowledge(acked, 'b', 2)).toEqual({ state: acked, effects: [] });
    expect(acknowledge(undefined, 'b', 2)).toEqual({ state: undefined, effects: [] });
  });
});

describe('resolving and hysteresis', () => {
  it('resolves only after the condition stayed clear for clearAfterMs', () => {
    let state = observe(raised(), undefined, 10_000, policy).state;
    expect(tick(state, 39_999, policy).effects).toEqual([]);
    const step = tick(state, 40_000, policy);
    expect(step.effects).toEqual([{ type: 'resolved' }]);
    state = step.state;
    expect(state).toMatchObject({ status: 'resolved', resolvedAtMs: 40_000 });
  });
  it('a condition that returns during the clear run keeps the alert open (no flapping)', () => {
    let state = observe(raised(), undefined, 10_000, policy).state;
    state = observe(state, 'urgent', 20_000, policy).state;
    expect(tick(state, 45_000, policy).effects.filter((e) => e.type === 'resolved')).toEqual([]);
  });
  it('an acknowledged alert resolves when clear', () => {
    let state = acknowledge(raised(), 'n', 1_000).state;
    state = observe(state, undefined, 2_000, policy).state;
    expect(tick(state, 32_000, policy).effects).toEqual([{ type: 'resolved' }]);
  });
  it('after resolving, the same severity is suppressed for a while; a worse one raises', () => {
    const resolved = tick(observe(raised(), undefined, 0, policy).state, 30_000, policy).state;
    expect(observe(resolved, 'urgent', 100_000, policy).effects).toEqual([
      { type: 'suppressed', severity: 'urgent' },
    ]);
    expect(observe(resolved, 'emergency', 100_000, policy).effects[0]).toMatchObject({ type: 'raised' });
    expect(observe(resolved, 'urgent', 330_000, policy).effects[0]).toMatchObject({ type: 'raised' });
  });
  it('a value flapping every second produces exactly one raise', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 200 }), (pattern) => {
        let state: AlertState | undefined;
        let raises = 0;
        pattern.forEach((on, second) => {
          const now = second * 1_000;
          const step = observe(state, on ? 'urgent' : undefined, now, policy);
          const ticked = tick(step.state, now, policy);
          state = ticked.state;
          raises += [...step.effects, ...ticked.effects].filter((e) => e.type === 'raised').length;
        });
        // 200 s of flapping never clears for 30 s in a row unless the pattern has such a run.
        const firstOn = pattern.indexOf(true);
        if (firstOn === -1) expect(raises).toBe(0);
        else expect(raises).toBeGreaterThanOrEqual(1);
        let longestClear = 0;
        let run = 0;
        for (const on of pattern.slice(firstOn)) {
          run = on ? 0 : run + 1;
          longestClear = Math.max(longestClear, run);
        }
        if (firstOn !== -1 && longestClear <= 30) expect(raises).toBe(1);
      }),
    );
  });
});

describe('rules', () => {
  const base = {
    respiratoryRate: 16,
    spo2: 97,
    spo2Scale: 1 as const,
    airOrOxygen: 'air' as const,
    systolicBp: 120,
    pulse: 70,
    consciousness: 'A' as const,
    temperature: 37,
  };
  it('NEWS2: high is an emergency, medium and low–medium urgent, low nothing', () => {
    expect(news2Severity(scoreNews2({ ...base, respiratoryRate: 30, pulse: 135, temperature: 39.5 }))).toBe(
      'emergency',
    );
    expect(
      news2Severity(scoreNews2({ ...base, respiratoryRate: 22, pulse: 115, temperature: 39.5, spo2: 95 })),
    ).toBe('emergency');
    expect(news2Severity(scoreNews2({ ...base, respiratoryRate: 22, pulse: 115, temperature: 38.5 }))).toBe(
      'urgent',
    );
    expect(news2Severity(scoreNews2({ ...base, consciousness: 'V' }))).toBe('urgent');
    expect(news2Severity(scoreNews2({ ...base, pulse: 95 }))).toBeUndefined();
    expect(news2Severity(undefined)).toBeUndefined();
  });
  it('vital limits are exclusive bounds', () => {
    expect(limitSeverity(89, { low: 90 })).toBe('urgent');
    expect(limitSeverity(90, { low: 90, high: 120 })).toBeUndefined();
    expect(limitSeverity(121, { high: 120 })).toBe('urgent');
    expect(limitSeverity(undefined, { high: 120 })).toBeUndefined();
    expect(limitSeverity(200, undefined)).toBeUndefined();
  });
  it('a device is silent from silentAfterMs on', () => {
    expect(silenceSeverity(0, 29_999, 30_000)).toBeUndefined();
    expect(silenceSeverity(0, 30_000, 30_000)).toBe('warning');
  });
});
