// The charting path: on its own timer, uncharted vitals go to records as vital-signs Observations
// every charting interval, and NEWS2 Observations when the score or band changed (or at the
// interval) — one batch Bundle per pass through the peers client. A failed pass keeps what it
// could not chart for the next one. The alert path never waits for this.
import type { PeerTransport } from '@healthlane/kit';
import type { Logger } from 'pino';
import type { LatestReading } from '../domain/patient-window.ts';
import type { VitalKind } from '../domain/vital-codes.ts';
import type { PatientMonitor } from '../scoring/patient-monitor.ts';
import { chartedObservations, news2Observation } from './fhir-observations.ts';

export interface ChartingOptions {
  monitor: PatientMonitor;
  peers: PeerTransport;
  logger: Logger;
  now: () => number;
  /** Vitals (and an unchanged NEWS2) are charted at most this often per patient. */
  intervalMs: number;
  /** Most Observations per Bundle. */
  maxEntries: number;
  onCharted?: (observations: number) => void;
  /** Told the id of each Observation records created for this worker. */
  onCreated?: (id: string) => void;
}

export interface ChartingWorker {
  /** One pass: charts what is due; `force` charts everything pending (shutdown, tests). */
  pass(force?: boolean): Promise<number>;
}

export function createChartingWorker(options: ChartingOptions): ChartingWorker {
  const lastChartedAt = new Map<string, number>();
  let running: Promise<number> | undefined;

  async function pass(force: boolean): Promise<number> {
    const nowMs = options.now();
    const entries: Array<{ resource: Record<string, unknown>; undo: () => void }> = [];
    for (const [patientId, state] of options.monitor.patients()) {
      if (entries.length >= options.maxEntries) break;
      const due = force || nowMs - (lastChartedAt.get(patientId) ?? 0) >= options.intervalMs;
      if (due && state.unchartedVitals.size > 0) {
        const readings = new Map(state.unchartedVitals);
        state.unchartedVitals.clear();
        lastChartedAt.set(patientId, nowMs);
        const undo = () => {
          for (const [kind, reading] of readings)
            if (!state.unchartedVitals.has(kind))
              state.unchartedVitals.set(kind as VitalKind, reading as LatestReading);
        };
        for (const resource of chartedObservations(patientId, readings)) entries.push({ resource, undo });
        if (state.news2 && state.news2AtMs !== undefined) state.news2Changed = true; // the interval's NEWS2
      }
      if (state.news2Changed && state.news2 && state.news2AtMs !== undefined) {
        state.news2Changed = false;
        entries.push({
          resource: news2Observation(patientId, state.news2, state.news2AtMs),
          undo: () => {
            state.news2Changed = true;
          },
        });
      }
    }
    if (entries.length === 0) return 0;
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: entries.map((e) => ({ resource: e.resource, request: { method: 'POST', url: 'Observation' } })),
    };
    let failed = entries.map((e) => e.undo);
    try {
      const response = await options.peers.request({
        method: 'POST',
        path: '/fhir/R4',
        headers: { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' },
        body: JSON.stringify(bundle),
      });
      if (response.status === 200) {
        const reply = JSON.parse(new TextDecoder().decode(response.body)) as {
          entry?: Array<{ response?: { status?: string; location?: string } }>;
        };
        for (const entry of reply.entry ?? []) {
          const id = /^Observation\/([^/]+)/.exec(entry.response?.location ?? '')?.[1];
          if (id !== undefined && entry.response?.status?.startsWith('201')) options.onCreated?.(id);
        }
        failed = entries
          .filter((_, i) => !reply.entry?.[i]?.response?.status?.startsWith('201'))
          .map((e) => e.undo);
        if (failed.length > 0)
          options.logger.warn({ failed: failed.length }, 'some charted Observations were refused');
      } else {
        options.logger.warn({ status: response.status }, 'charting batch refused; will retry');
      }
    } catch (error) {
      options.logger.warn({ err: error }, 'charting batch failed; will retry');
    }
    for (const undo of new Set(failed)) undo();
    const charted = entries.length - failed.length;
    options.onCharted?.(charted);
    return charted;
  }

  return {
    pass(force = false) {
      // One pass at a time: a slow records must not pile passes up.
      running ??= pass(force).finally(() => {
        running = undefined;
      });
      return running;
    },
  };
}
