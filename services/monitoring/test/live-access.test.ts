// The live streams obey the stream access check: a ward stream carries only the patients the
// principal may see (snapshot and every later frame), a patient stream the check refuses is
// closed before anything is sent, and a stream ends when its token expires.
import { Problem } from '@healthlane/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StreamAccessCheck } from '../src/index.ts';
import { connect, eventually, type Platform, startPlatform, vitalsBatch } from './support/platform.ts';

let platform: Platform;
const visible = { patient: '', device: 'bed-v' };
const hidden = { patient: '', device: 'bed-h' };
const normal = { rr: 16, spo2: 97, sbp: 120, hr: 70, temp: 37 };

/**
 * Live streams see every patient but `hidden` (plain reads see all, so the test can tell that the
 * hidden patient's samples were scored); a `x-token: short` principal expires 300 ms from now.
 */
const access: StreamAccessCheck = async ({ request, patientId }) => {
  const live = request.headers.upgrade === 'websocket';
  if (live && patientId !== undefined && patientId === hidden.patient) throw Problem.notFound('not here');
  return {
    actor: 'tester',
    mayRead: (id) => !live || id !== hidden.patient,
    ...(request.headers['x-token'] === 'short' ? { expiresAtMs: Date.now() + 300 } : {}),
  };
};

beforeAll(async () => {
  platform = await startPlatform({}, access);
  for (const bed of [visible, hidden]) {
    const patient = await platform.json<{ id: string }>('POST', '/fhir/R4/Patient', {
      resourceType: 'Patient',
    });
    bed.patient = patient.body.id;
    await platform.json('PUT', `/fhir/R4/Device/${bed.device}`, {
      resourceType: 'Device',
      id: bed.device,
      status: 'active',
      patient: { reference: `Patient/${bed.patient}` },
      location: { reference: 'Location/ward-w' },
    });
  }
  // Both assignments reached monitoring (records' Device events): both patients are scored.
  for (const bed of [visible, hidden]) {
    await eventually(async () => {
      await platform.json('POST', '/monitoring/v1/samples', vitalsBatch(bed.device, platform.now(), normal));
      const latest = await platform.json<{ news2: unknown }>(
        'GET',
        `/monitoring/v1/patients/${bed.patient}/latest`,
      );
      return latest.body.news2 ? true : undefined;
    });
  }
}, 60_000);
afterAll(() => platform?.stop());

describe('live streams under the access check', () => {
  it('a ward stream carries only the patients the principal may see', async () => {
    const ward = await connect(`${platform.url.replace('http', 'ws')}/monitoring/v1/live?ward=ward-w`);
    try {
      const snapshot = await ward.next((f) => f.type === 'snapshot');
      expect(snapshot.patient).toBe(visible.patient);
      for (const bed of [hidden, visible]) {
        await platform.json(
          'POST',
          '/monitoring/v1/samples',
          vitalsBatch(bed.device, platform.now(), { ...normal, hr: 131 }),
        );
      }
      await ward.next((f) => f.type === 'vitals' && f.patient === visible.patient);
      await ward.next((f) => f.type === 'alert' && f.patient === visible.patient);
      // Both patients' frames were produced (the hidden one's first); only the visible one's arrived.
      expect(ward.frames.filter((f) => f.patient === hidden.patient)).toEqual([]);
      const latest = await platform.json<{ vitals: { heartRate: { value: number } }; alerts: unknown[] }>(
        'GET',
        `/monitoring/v1/patients/${hidden.patient}/latest`,
      );
      expect(latest.body.vitals.heartRate.value).toBe(131);
      expect(latest.body.alerts.length).toBeGreaterThan(0);
    } finally {
      ward.close();
    }
  });

  it('closes a patient stream the check refuses, sending nothing', async () => {
    const socket = new WebSocket(
      `${platform.url.replace('http', 'ws')}/monitoring/v1/live?patient=${hidden.patient}`,
    );
    const frames: unknown[] = [];
    socket.on('message', (data) => frames.push(data.toString()));
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      socket.on('close', (c, r) => resolve([c, r.toString()])),
    );
    expect(code).toBe(1008);
    expect(reason).toBe('not allowed');
    expect(frames).toEqual([]);
  });

  it('ends a live stream, and a device ingest stream, when the principal’s token expires', async () => {
    for (const path of [`live?patient=${visible.patient}`, `ingest?device=${visible.device}`]) {
      const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/monitoring/v1/${path}`, {
        headers: { 'x-token': 'short' },
      });
      const [code, reason] = await new Promise<[number, string]>((resolve) =>
        socket.on('close', (c, r) => resolve([c, r.toString()])),
      );
      expect(code).toBe(1008);
      expect(reason).toBe('access token expired');
    }
  });
});
