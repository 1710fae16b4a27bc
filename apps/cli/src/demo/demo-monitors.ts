// The demo's bedside monitors: `healthlane start` with HEALTHLANE_DEMO on puts one simulated monitor
// (a FHIR Device) beside each demo patient in the ward "Demo ward" and streams their vitals to
// monitoring once a second over HTTP, as `healthlane simulate` does, so the console's monitoring
// wall is live at once. Three beds stay stable; the last slowly deteriorates and recovers, over and
// over, so NEWS2 climbs and an alert is raised a few minutes into each cycle.
// A monitor joins as soon as records holds its patient (the demo data loads in the background).
import { demoWardPatients } from '../../../../services/identity/src/bootstrap-demo.ts';
import { type Reading, readingFor, type Scenario, seededRandom } from '../simulate/scenarios.ts';
import { httpTransport } from '../simulate/transports.ts';

export const demoWardId = 'demo-ward';
export const demoWardName = 'Demo ward';
/** One deterioration and recovery of the last bed; the first cycle starts part-way, so it shows soon. */
const cycleMs = 8 * 60_000;
const cycleStart = 0.3;
/** How long to wait for the demo patients to appear in records before giving up on the missing. */
const patientsWaitMs = 180_000;

export interface DemoBed {
  patientId: string;
  deviceId: string;
  scenario: Scenario;
}

export const demoBeds: readonly DemoBed[] = demoWardPatients.map((patientId, i) => ({
  patientId,
  deviceId: `demo-monitor-${i + 1}`,
  scenario: i === demoWardPatients.length - 1 ? 'sepsis' : 'stable',
}));

export interface DemoMonitorsOptions {
  /** The running platform, e.g. http://127.0.0.1:8080. */
  url: string;
  /** Bearer token for records and monitoring; undefined when authentication is off. */
  token?: () => Promise<string>;
  signal: AbortSignal;
  /** One line per state change, never an identifier or a value. */
  log: (line: string, level?: 'info' | 'warn') => void;
  /** Milliseconds between ticks (1000). */
  periodMs?: number;
  now?: () => number;
}

/** Runs until the signal aborts; never throws (the platform is usable without its demo). */
export async function runDemoMonitors(options: DemoMonitorsOptions): Promise<void> {
  const periodMs = options.periodMs ?? 1000;
  const now = options.now ?? Date.now;
  const headers: Record<string, string> = {};
  const authorize = async () => {
    if (options.token) headers.authorization = `Bearer ${await options.token()}`;
  };
  const transport = httpTransport(options.url, headers);
  const random = seededRandom(7);
  const started = now();
  const active: Array<{ bed: DemoBed; index: number }> = [];
  let failing = false;
  let wardPlaced = false;
  let tick = 0;
  while (!options.signal.aborted) {
    const at = now();
    try {
      await authorize();
      if (!wardPlaced) {
        await put(options.url, headers, 'Location', demoWardId, demoWard);
        wardPlaced = true;
      }
      if (active.length < demoBeds.length && at - started < patientsWaitMs && tick % 3 === 0) {
        await placeMonitors(options.url, headers, active);
        if (active.length === demoBeds.length)
          options.log(`demo monitors streaming for ${active.length} beds`);
      }
      const readings = active.map(({ bed, index }) => ({
        device: bed.deviceId,
        reading: readingAt(bed, index, at, started, random),
      }));
      const outcome = readings.length > 0 ? await transport.send(readings) : undefined;
      if (options.signal.aborted) break; // the platform is stopping: what failed now says nothing
      if (outcome && outcome.failed > 0 !== failing) {
        failing = !failing;
        options.log(
          failing ? 'demo monitors: vitals not delivered' : 'demo monitors: delivering again',
          'warn',
        );
      }
    } catch (error) {
      if (options.signal.aborted) break;
      if (!failing) options.log(`demo monitors: ${reason(error)}`, 'warn');
      failing = true;
    }
    tick += 1;
    await delay(Math.max(0, started + tick * periodMs - now()), options.signal);
  }
}

const demoWard = {
  resourceType: 'Location',
  id: demoWardId,
  status: 'active',
  name: demoWardName,
  mode: 'instance',
  physicalType: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'wa' }],
  },
};

function readingAt(bed: DemoBed, index: number, at: number, started: number, random: () => number): Reading {
  const progress = ((at - started) / cycleMs + cycleStart) % 1;
  return readingFor(bed.scenario, bed.deviceId, index, at, progress, random);
}

/** Assigns a monitor to each demo patient records now holds (once per patient). */
async function placeMonitors(
  url: string,
  headers: Record<string, string>,
  active: Array<{ bed: DemoBed; index: number }>,
): Promise<void> {
  const missing = demoBeds.filter((bed) => !active.some((entry) => entry.bed === bed));
  const query = new URLSearchParams({ _id: missing.map((bed) => bed.patientId).join(','), _elements: 'id' });
  const response = await fetch(`${url}/fhir/R4/Patient?${query}`, {
    headers: { accept: 'application/fhir+json', ...headers },
  });
  if (response.status !== 200) throw new Error(`records answered ${response.status} to the patient search`);
  const bundle = (await response.json()) as { entry?: Array<{ resource?: { id?: string } }> };
  const present = new Set((bundle.entry ?? []).map((entry) => entry.resource?.id));
  for (const bed of missing) {
    if (!present.has(bed.patientId)) continue;
    await put(url, headers, 'Device', bed.deviceId, {
      resourceType: 'Device',
      id: bed.deviceId,
      status: 'active',
      deviceName: [{ name: `Demo bedside monitor ${bed.deviceId.slice(-1)}`, type: 'user-friendly-name' }],
      patient: { reference: `Patient/${bed.patientId}` },
      location: { reference: `Location/${demoWardId}` },
    });
    active.push({ bed, index: demoBeds.indexOf(bed) });
  }
}

async function put(
  url: string,
  headers: Record<string, string>,
  type: string,
  id: string,
  resource: Record<string, unknown>,
): Promise<void> {
  const response = await fetch(`${url}/fhir/R4/${type}/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/fhir+json', prefer: 'return=minimal', ...headers },
    body: JSON.stringify(resource),
  });
  if (response.status !== 200 && response.status !== 201)
    throw new Error(`records answered ${response.status} to the demo ${type}`);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'failed';
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
