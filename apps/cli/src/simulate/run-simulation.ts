// Drives N simulated beds at a fixed rate through a transport for a bounded time (or until
// stopped), then reports what the service acknowledged and refused.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { readingFor, type Scenario, seededRandom } from './scenarios.ts';
import { createBedsInRecords, simulatedBeds } from './setup-records.ts';
import {
  type DeviceTransport,
  httpTransport,
  mqttTransport,
  type SendOutcome,
  type TransportName,
  wsTransport,
} from './transports.ts';

export interface SimulationOptions {
  url: string;
  patients: number;
  rateHz: number;
  scenario: Scenario;
  transport: TransportName;
  durationMs: number;
  ward: string;
  mqttUrl: string;
  mqttPrefix: string;
  runId?: string;
  seed: number;
  headers: Record<string, string>;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface SimulationSummary extends SendOutcome {
  ticks: number;
  lateTicks: number;
  elapsedMs: number;
  runId: string;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationSummary> {
  const runId = options.runId ?? randomBytes(3).toString('hex');
  const beds = simulatedBeds(runId, options.patients);
  options.log(
    `simulate: creating ${beds.length} patients and devices in records (run ${runId}, ward ${options.ward})`,
  );
  await createBedsInRecords(options.url, beds, options.ward, options.headers);
  // Give monitoring a moment to learn the assignments from records' events.
  await sleep(1_000, undefined, { signal: options.signal }).catch(() => {});
  const transport: DeviceTransport =
    options.transport === 'http'
      ? httpTransport(options.url, options.headers)
      : options.transport === 'ws'
        ? await wsTransport(
            options.url,
            options.headers,
            Math.min(8, Math.max(1, Math.ceil(beds.length / 500))),
          )
        : await mqttTransport(options.mqttUrl, options.mqttPrefix, `healthlane-simulate-${runId}`);
  const random = seededRandom(options.seed);
  const summary: SimulationSummary = {
    accepted: 0,
    refusedSamples: 0,
    refusedMessages: 0,
    failed: 0,
    ticks: 0,
    lateTicks: 0,
    elapsedMs: 0,
    runId,
  };
  const periodMs = 1000 / options.rateHz;
  const started = Date.now();
  try {
    while (!options.signal.aborted && Date.now() - started < options.durationMs) {
      const tickAt = started + summary.ticks * periodMs;
      const progress = (tickAt - started) / options.durationMs;
      const readings = beds.map((bed, i) => ({
        device: bed.deviceId,
        reading: readingFor(options.scenario, bed.deviceId, i, tickAt, progress, random),
      }));
      const outcome = await transport.send(readings);
      summary.accepted += outcome.accepted;
      summary.refusedSamples += outcome.refusedSamples;
      summary.refusedMessages += outcome.refusedMessages;
      summary.failed += outcome.failed;
      summary.ticks += 1;
      const wait = started + summary.ticks * periodMs - Date.now();
      if (wait > 0) await sleep(wait, undefined, { signal: options.signal }).catch(() => {});
      else summary.lateTicks += 1;
      if (summary.ticks % Math.max(1, Math.round(options.rateHz * 10)) === 0) {
        options.log(
          `simulate: ${Math.round((Date.now() - started) / 1000)} s, ${summary.accepted} samples acknowledged`,
        );
      }
    }
  } finally {
    await transport.close();
  }
  summary.elapsedMs = Date.now() - started;
  return summary;
}
