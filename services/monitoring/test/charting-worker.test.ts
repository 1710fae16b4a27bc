// The charting worker against a stand-in records: a pass is one batch Bundle (each Observation
// committed on its own); what records refuses stays uncharted for the next pass, and the ids records
// created are learnt (their events are then skipped without a read-back).
import type { PeerTransport } from '@healthlane/kit';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { createChartingWorker } from '../src/charting/charting-worker.ts';
import type { PatientMonitor, PatientState } from '../src/scoring/patient-monitor.ts';

const now = Date.parse('2026-12-01T10:00:00Z');

function patient(): PatientState {
  return {
    readings: {},
    news2: undefined,
    news2AtMs: undefined,
    unchartedVitals: new Map([
      ['heartRate', { value: 70, timeMs: now }],
      ['spo2', { value: 97, timeMs: now }],
    ]),
    news2Changed: false,
  };
}

function records(
  answers: Array<(bundle: { type: string; entry: unknown[] }) => { status: number; body: unknown }>,
) {
  const seen: string[] = [];
  const peers: PeerTransport = {
    async request(request) {
      const bundle = JSON.parse(String(request.body)) as { type: string; entry: unknown[] };
      seen.push(`${bundle.type}:${bundle.entry.length}`);
      const answer = answers.shift()?.(bundle) ?? { status: 503, body: {} };
      return {
        status: answer.status,
        headers: {},
        body: new TextEncoder().encode(JSON.stringify(answer.body)),
      } as never;
    },
  };
  return { peers, seen };
}

function worker(state: PatientState, peers: PeerTransport, created: string[] = []) {
  const monitor = { patients: () => new Map([['p1', state]]).entries() } as unknown as PatientMonitor;
  return createChartingWorker({
    monitor,
    peers,
    logger: pino({ level: 'silent' }),
    now: () => now,
    intervalMs: 60_000,
    maxEntries: 500,
    onCreated: (id) => created.push(id),
  });
}

const createdEntry = (i: number) => ({
  response: { status: '201 Created', location: `Observation/o${i}/_history/1` },
});

describe('charting worker', () => {
  it('charts a pass as one batch Bundle, and learns the ids records created', async () => {
    const state = patient();
    const { peers, seen } = records([
      (b) => ({ status: 200, body: { entry: b.entry.map((_, i) => createdEntry(i)) } }),
    ]);
    const created: string[] = [];
    expect(await worker(state, peers, created).pass()).toBe(2);
    expect(seen).toEqual(['batch:2']);
    expect(created).toEqual(['o0', 'o1']);
    expect(state.unchartedVitals.size).toBe(0);
  });

  it('keeps the readings of a patient whose Observation records refused; learns only what it created', async () => {
    const state = patient();
    const { peers, seen } = records([
      () => ({
        status: 200,
        body: { entry: [createdEntry(0), { response: { status: '400 Bad Request' } }] },
      }),
    ]);
    const created: string[] = [];
    expect(await worker(state, peers, created).pass()).toBe(1);
    expect(seen).toEqual(['batch:2']);
    expect(created).toEqual(['o0']);
    // A patient's readings are kept together: one refused Observation keeps the patient's pass.
    expect([...state.unchartedVitals.keys()].sort()).toEqual(['heartRate', 'spo2']);
  });

  it('keeps everything for the next pass when records is unavailable', async () => {
    const state = patient();
    const { peers, seen } = records([() => ({ status: 503, body: {} })]);
    expect(await worker(state, peers).pass()).toBe(0);
    expect(seen).toEqual(['batch:2']);
    expect(state.unchartedVitals.size).toBe(2);
  });
});
