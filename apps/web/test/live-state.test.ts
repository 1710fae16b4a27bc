// The live picture of monitored patients, folded from the stream's frames; the wall's risk order;
// the sparkline path and chart alignment.
import { describe, expect, it } from 'vitest';
import type { AlertView, LiveFrame, News2 } from '../app/api/monitoring.ts';
import { alignLines } from '../app/monitoring/chart-series.ts';
import { applyFrame, type LiveState, mergeAlerts } from '../app/monitoring/live-state.ts';
import { byRisk } from '../app/monitoring/risk.ts';
import { sparklinePath } from '../app/monitoring/sparkline-path.ts';

const options = { windowMs: 60_000 };
const news2: News2 = {
  subScores: {
    respiration: 3,
    spo2: 3,
    airOrOxygen: 0,
    systolicBp: 2,
    pulse: 2,
    consciousness: 0,
    temperature: 2,
  },
  spo2Scale: 1,
  total: 12,
  red: true,
  band: 'high',
  monitoring: { maxIntervalMinutes: 0, text: 'continuous' },
};
const alert = (id: string, status: string, at: string, extra: Partial<AlertView> = {}): AlertView => ({
  id,
  patient: 'p1',
  rule: 'news2',
  status,
  severity: 'emergency',
  raisedAt: '2026-12-01T10:00:00.000Z',
  escalationLevel: 0,
  detail: {},
  ...(status === 'acknowledged' ? { acknowledgedAt: at, acknowledgedBy: 'Practitioner/n1' } : {}),
  ...extra,
});
const fold = (frames: LiveFrame[]): LiveState =>
  frames.reduce((state, frame) => applyFrame(state, frame, options), {} as LiveState);

describe('live state', () => {
  it('starts from the snapshot, then takes each reading, keeping a history within the window', () => {
    const state = fold([
      {
        type: 'snapshot',
        patient: 'p1',
        vitals: { heartRate: { value: 70, time: '2026-12-01T10:00:00.000Z' } },
        news2: null,
        alerts: [alert('a1', 'raised', '')],
      },
      {
        type: 'vitals',
        patient: 'p1',
        samples: [{ kind: 'heartRate', time: '2026-12-01T10:00:30.000Z', value: 80 }],
      },
      {
        type: 'vitals',
        patient: 'p1',
        samples: [{ kind: 'heartRate', time: '2026-12-01T10:01:10.000Z', value: 90 }],
      },
    ]);
    expect(state.p1?.vitals.heartRate?.value).toBe(90);
    // 10:00:00 fell out of the 60-second window once 10:01:10 arrived.
    expect(state.p1?.history.heartRate?.map((point) => point.v)).toEqual([80, 90]);
    expect(Object.keys(state.p1?.alerts ?? {})).toEqual(['a1']);
  });

  it('does not let a late reading replace a newer one, but places it in the history', () => {
    const state = fold([
      {
        type: 'vitals',
        patient: 'p1',
        samples: [{ kind: 'spo2', time: '2026-12-01T10:00:30.000Z', value: 95 }],
      },
      {
        type: 'vitals',
        patient: 'p1',
        samples: [{ kind: 'spo2', time: '2026-12-01T10:00:10.000Z', value: 99 }],
      },
    ]);
    expect(state.p1?.vitals.spo2?.value).toBe(95);
    expect(state.p1?.history.spo2?.map((point) => point.v)).toEqual([99, 95]);
  });

  it('takes NEWS2 from its frame, and says what is missing when it cannot be scored', () => {
    const scored = fold([{ type: 'news2', patient: 'p1', ...news2 }]);
    expect(scored.p1?.news2).toEqual(news2);
    const missing = applyFrame(
      scored,
      { type: 'news2', patient: 'p1', incomplete: true, missing: ['temperature'] },
      options,
    );
    expect(missing.p1?.news2).toBeUndefined();
    expect(missing.p1?.news2Missing).toEqual(['temperature']);
  });

  it('keeps an acknowledgement over an older copy of the same alert, open alerts first', () => {
    const acknowledged = alert('a1', 'acknowledged', '2026-12-01T10:02:00.000Z');
    const merged = mergeAlerts(
      [acknowledged],
      [alert('a1', 'raised', '')],
      [alert('a2', 'raised', '', { severity: 'urgent' })],
    );
    expect(merged.map((item) => [item.id, item.status])).toEqual([
      ['a2', 'raised'],
      ['a1', 'acknowledged'],
    ]);
  });
});

describe('wall order', () => {
  it('puts the highest band first, then the higher score, then a stable key', () => {
    const beds = [
      { key: 'c', band: 'low' as const, total: 1 },
      { key: 'a', band: 'high' as const, total: 7 },
      { key: 'b', band: 'high' as const, total: 9 },
      { key: 'd', band: undefined, total: undefined },
      { key: 'e', band: 'low-medium' as const, total: 3 },
    ];
    expect(beds.sort(byRisk).map((bed) => bed.key)).toEqual(['b', 'a', 'e', 'c', 'd']);
  });
});

describe('drawing', () => {
  it('draws a sparkline across the width, highest value at the top', () => {
    expect(sparklinePath([{ t: 0, v: 10 }], 100, 20)).toBe('');
    expect(
      sparklinePath(
        [
          { t: 0, v: 10 },
          { t: 5, v: 20 },
          { t: 10, v: 15 },
        ],
        100,
        22,
      ),
    ).toBe('M0.0,21.0L50.0,1.0L100.0,11.0');
  });

  it('aligns lines on the union of their times, null where a line has no reading', () => {
    expect(
      alignLines([
        [
          { t: 1000, v: 1 },
          { t: 3000, v: 3 },
        ],
        [{ t: 2000, v: 2 }],
      ]),
    ).toEqual({
      times: [1, 2, 3],
      values: [
        [1, null, 3],
        [null, 2, null],
      ],
    });
  });
});
