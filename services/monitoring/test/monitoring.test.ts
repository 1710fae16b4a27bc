// The monitoring service end to end, hosted with records: devices assigned in records, ingest with
// refusals and de-duplication, NEWS2 and alerts on a live WebSocket, escalation by the clock,
// acknowledgement, nurse-entered Observations scored, charting to records, assignment ending.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, eventually, type Platform, startPlatform, vitalsBatch } from './support/platform.ts';

let platform: Platform;
let patientId: string;
const normal = { rr: 16, spo2: 97, sbp: 120, hr: 70, temp: 37 };
/** Frames of the NEWS2 alert with effect `type` (the clock moves, so device-silence alerts come too). */
const news2Alert = (type: string) => (f: Record<string, unknown>) =>
  f.type === 'alert' &&
  (f.event as { type: string }).type === type &&
  (f.alert as { rule: string }).rule === 'news2';

beforeAll(async () => {
  platform = await startPlatform({
    MONITORING_CHARTING_INTERVAL: '300ms',
    MONITORING_ESCALATION: 'nurse:2m,charge-nurse:3m,rapid-response-team',
  });
  const patient = await platform.json<{ id: string }>('POST', '/fhir/R4/Patient', {
    resourceType: 'Patient',
    name: [{ family: 'Monitored' }],
  });
  patientId = patient.body.id;
  const device = await platform.json('PUT', '/fhir/R4/Device/bed-1', {
    resourceType: 'Device',
    id: 'bed-1',
    status: 'active',
    patient: { reference: `Patient/${patientId}` },
    location: { reference: 'Location/ward-a' },
  });
  expect(device.status).toBe(201);
  // The assignment reaches monitoring through records' fhir.Device.created event.
  await eventually(async () => {
    await platform.json('POST', '/monitoring/v1/samples', vitalsBatch('bed-1', platform.now(), normal));
    const latest = await platform.json<{ news2: { total: number } | null }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/latest`,
    );
    return latest.body.news2 ? latest.body : undefined;
  });
}, 60_000);
afterAll(() => platform?.stop());

describe('ingest', () => {
  it('accepts valid samples and refuses bad ones with a reason each, naming no value', async () => {
    const time = new Date(platform.now()).toISOString();
    const reply = await platform.json<{
      accepted: number;
      refused: Array<{ index: number; reason: string }>;
    }>('POST', '/monitoring/v1/samples', {
      device: 'bed-1',
      samples: [
        { code: '8867-4', time, value: 71 },
        { code: '8867-4', time, value: 'fast' },
        { code: '9999-9', time, value: 1 },
        { code: '59408-5', time: '2026-12-01 10:00', value: 97 },
        { code: '8310-5', time, value: 99.5 },
        { code: '1104441000000107', time, value: 'Z' },
        { code: '8867-4', time: new Date(platform.now() + 3_600_000).toISOString(), value: 70 },
        null,
      ],
    });
    expect(reply.status).toBe(200);
    expect(reply.body.accepted).toBe(1);
    expect(reply.body.refused.map((r) => r.index)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(JSON.stringify(reply.body.refused)).not.toContain('99.5');
  });

  it('refuses a malformed batch with 400 and an OperationOutcome, storing nothing', async () => {
    for (const body of [
      { samples: [] },
      { device: 'bad id!', samples: [] },
      { device: 'bed-1' },
      [],
      'text',
    ]) {
      const reply = await platform.json<{ resourceType: string }>('POST', '/monitoring/v1/samples', body);
      expect(reply.status).toBe(400);
      expect(reply.body.resourceType).toBe('OperationOutcome');
    }
  });

  it('stores a repeated (device, time, code) sample once, and answers the series by range and resolution', async () => {
    const t = platform.now() - 10_000;
    const batch = {
      device: 'bed-1',
      samples: [{ code: '8867-4', time: new Date(t).toISOString(), value: 88 }],
    };
    await platform.json('POST', '/monitoring/v1/samples', batch);
    await platform.json('POST', '/monitoring/v1/samples', batch);
    // SNOMED CT code for the same kind, same device and time: the same sample.
    await platform.json('POST', '/monitoring/v1/samples', {
      device: 'bed-1',
      samples: [
        { code: '364075005', system: 'http://snomed.info/sct', time: new Date(t).toISOString(), value: 88 },
      ],
    });
    const from = new Date(t - 1).toISOString();
    const to = new Date(t + 1).toISOString();
    const series = await platform.json<{ points: Array<{ value: number }> }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/series?code=8867-4&from=${from}&to=${to}`,
    );
    expect(series.body.points).toEqual([{ kind: 'heartRate', time: new Date(t).toISOString(), value: 88 }]);
    const minute = await platform.json<{ points: Array<{ count: number }> }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/series?code=8867-4&resolution=1m&from=${new Date(platform.now() - 600_000).toISOString()}`,
    );
    expect(minute.body.points.reduce((n, p) => n + p.count, 0)).toBeGreaterThanOrEqual(3);
    const bad = await platform.json(
      'GET',
      `/monitoring/v1/patients/${patientId}/series?code=8867-4&resolution=2m`,
    );
    expect(bad.status).toBe(400);
  });

  it('answers an array of batches in order, one outcome each, across the slices it is taken in', async () => {
    const base = platform.now() - 300_000;
    const batches = Array.from({ length: 120 }, (_, i) =>
      i === 77
        ? { device: 'bad id!', samples: [] }
        : {
            device: 'bed-1',
            samples: [{ code: '8867-4', time: new Date(base + i).toISOString(), value: 70 }],
          },
    );
    const reply = await platform.json<{ batches: Array<{ accepted?: number; error?: string }> }>(
      'POST',
      '/monitoring/v1/samples',
      batches,
    );
    expect(reply.status).toBe(200);
    expect(reply.body.batches).toHaveLength(120);
    expect(reply.body.batches[77]?.error).toMatch(/device/);
    expect(reply.body.batches.filter((b) => b.accepted === 1)).toHaveLength(119);
  });

  it('a late sample is stored but does not replace a newer reading', async () => {
    const latestBefore = await platform.json<{ vitals: { heartRate: { value: number } } }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/latest`,
    );
    await platform.json('POST', '/monitoring/v1/samples', {
      device: 'bed-1',
      samples: [{ code: '8867-4', time: new Date(platform.now() - 60_000).toISOString(), value: 150 }],
    });
    const latest = await platform.json<{ vitals: { heartRate: { value: number } } }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/latest`,
    );
    expect(latest.body.vitals.heartRate.value).toBe(latestBefore.body.vitals.heartRate.value);
  });
});

describe('WebSocket ingest', () => {
  it('acknowledges each batch by sequence number once durable, refusing bad ones with a reason', async () => {
    const client = await connect(`${platform.url.replace('http', 'ws')}/monitoring/v1/ingest?device=bed-1`);
    try {
      const t = platform.now() - 20_000;
      client.socket.send(
        JSON.stringify({ seq: 1, samples: [{ code: '9279-1', time: new Date(t).toISOString(), value: 17 }] }),
      );
      client.socket.send(JSON.stringify({ seq: 2, samples: 'none' }));
      client.socket.send('{not json');
      client.socket.send(JSON.stringify({ seq: 3, device: 'other-bed', samples: [] }));
      expect(await client.next((f) => f.seq === 1)).toEqual({ seq: 1, accepted: 1, refused: [] });
      expect(await client.next((f) => f.seq === 2)).toEqual({ seq: 2, error: '"samples" must be an array' });
      expect(await client.next((f) => f.seq === undefined && typeof f.error === 'string')).toMatchObject({
        error: expect.stringContaining('JSON'),
      });
      expect((await client.next((f) => f.seq === 3)).error).toMatch(/differs/);
      const series = await platform.json<{ points: unknown[] }>(
        'GET',
        `/monitoring/v1/patients/${patientId}/series?code=9279-1&from=${new Date(t - 1).toISOString()}&to=${new Date(t + 1).toISOString()}`,
      );
      expect(series.body.points).toHaveLength(1);
    } finally {
      client.close();
    }
  });
});

describe('patient settings', () => {
  it('refuses SpO2 scale 2 without a documented hypercapnic target range', async () => {
    const reply = await platform.json('PUT', `/monitoring/v1/patients/${patientId}/settings`, {
      spo2Scale: 2,
      documentedBy: 'Practitioner/dr-1',
    });
    expect(reply.status).toBe(400);
    const unknown = await platform.json('PUT', `/monitoring/v1/patients/${patientId}/settings`, {
      spo2Scale: 1,
      documentedBy: 'x',
      limits: { mood: { low: 1 } },
    });
    expect(unknown.status).toBe(400);
  });
});

describe('NEWS2, alerts and live streams', () => {
  it('streams vitals and NEWS2, raises an alert that escalates until acknowledged, then resolves', async () => {
    const live = await connect(
      `${platform.url.replace('http', 'ws')}/monitoring/v1/live?patient=${patientId}`,
    );
    const ward = await connect(`${platform.url.replace('http', 'ws')}/monitoring/v1/live?ward=ward-a`);
    try {
      const snapshot = await live.next((f) => f.type === 'snapshot');
      expect(snapshot.patient).toBe(patientId);
      await platform.json(
        'POST',
        '/monitoring/v1/samples',
        vitalsBatch('bed-1', platform.now(), { rr: 26, spo2: 90, sbp: 95, hr: 125, temp: 39.4, o2: true }),
      );
      const vitals = await live.next((f) => f.type === 'vitals');
      expect((vitals.samples as unknown[]).length).toBe(8);
      const news2 = await live.next((f) => f.type === 'news2');
      expect(news2).toMatchObject({ total: 3 + 3 + 2 + 2 + 2 + 0 + 2, band: 'high', red: true });
      const raised = await live.next(news2Alert('raised'));
      expect(raised.event).toEqual({ type: 'raised', severity: 'emergency', notify: 'nurse' });
      await ward.next(news2Alert('raised'));
      const alertId = (raised.alert as { id: string }).id;

      platform.advance(121_000);
      const escalated = await live.next(news2Alert('escalated'));
      expect(escalated.event).toEqual({ type: 'escalated', level: 1, notify: 'charge-nurse' });

      const ack = await platform.json<{ status: string; acknowledgedBy: string }>(
        'POST',
        `/monitoring/v1/alerts/${alertId}/acknowledge`,
        { by: 'Practitioner/nurse-7' },
      );
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'Practitioner/nurse-7' });
      await live.next(news2Alert('acknowledged'));
      platform.advance(600_000);
      await new Promise((r) => setTimeout(r, 100));
      expect(live.frames.filter(news2Alert('escalated'))).toEqual([]);

      // Recovered vitals: the alert resolves once clear for the hysteresis time.
      await platform.json('POST', '/monitoring/v1/samples', vitalsBatch('bed-1', platform.now(), normal));
      platform.advance(61_000);
      await live.next(news2Alert('resolved'));
      const alerts = await platform.json<{
        alerts: Array<{ id: string; status: string; acknowledgedBy: string }>;
      }>('GET', `/monitoring/v1/patients/${patientId}/alerts`);
      expect(alerts.body.alerts.find((a) => a.id === alertId)).toMatchObject({
        status: 'resolved',
        acknowledgedBy: 'Practitioner/nurse-7',
      });
      const missing = await platform.json('POST', '/monitoring/v1/alerts/no-such-alert/acknowledge', {
        by: 'x',
      });
      expect(missing.status).toBe(404);
    } finally {
      live.close();
      ward.close();
    }
  });

  it('exports the alert to records: Flag and DetectedIssue as it stands, a Communication per notification', async () => {
    const alerts = await platform.json<{ alerts: Array<{ id: string; rule: string; status: string }> }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/alerts`,
    );
    const alert = alerts.body.alerts.find((a) => a.rule === 'news2' && a.status === 'resolved');
    expect(alert).toBeDefined();
    const id = `alert-${alert?.id}`;
    // Through the outbox and the bus: eventually the resolved state is in records.
    const flag = await eventually(async () => {
      const read = await platform.json<Record<string, unknown>>('GET', `/fhir/R4/Flag/${id}`);
      return read.status === 200 && read.body.status === 'inactive' ? read.body : undefined;
    });
    expect(flag).toMatchObject({
      subject: { reference: `Patient/${patientId}` },
      code: {
        coding: [{ system: 'https://healthlane.dev/fhir/CodeSystem/monitoring-alert-rule', code: 'news2' }],
      },
      meta: { tag: [{ system: 'https://healthlane.dev/fhir/CodeSystem/origin', code: 'monitoring' }] },
    });
    expect((flag.period as { end?: string }).end).toBeDefined();
    const issue = await platform.json<Record<string, unknown>>('GET', `/fhir/R4/DetectedIssue/${id}`);
    expect(issue.body).toMatchObject({
      severity: 'high',
      patient: { reference: `Patient/${patientId}` },
      implicated: [{ reference: `Flag/${id}` }],
      mitigation: [{ author: { reference: 'Practitioner/nurse-7' } }],
    });
    const notices = await eventually(async () => {
      const found = await platform.json<{ entry?: Array<{ resource: Record<string, unknown> }> }>(
        'GET',
        `/fhir/R4/Communication?subject=Patient/${patientId}`,
      );
      const about = (found.body.entry ?? [])
        .map((e) => e.resource)
        .filter((r) => (r.about as Array<{ reference: string }>)[0]?.reference === `Flag/${id}`);
      return about.length >= 2 ? about : undefined;
    });
    // Raised (to the nurse), then escalated (to the charge nurse); acknowledgement and resolution notify no one.
    expect(notices.map((c) => (c.recipient as Array<{ display: string }>)[0]?.display).sort()).toEqual([
      'charge-nurse',
      'nurse',
    ]);
    expect(notices.every((c) => c.priority === 'stat' && c.status === 'completed')).toBe(true);
  });

  it('scores a vital sign a nurse records in records (SNOMED CT coded), but never its own NEWS2', async () => {
    const live = await connect(
      `${platform.url.replace('http', 'ws')}/monitoring/v1/live?patient=${patientId}`,
    );
    try {
      await live.next((f) => f.type === 'snapshot');
      const created = await platform.json('POST', '/fhir/R4/Observation', {
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'vital-signs' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://snomed.info/sct', code: '1104441000000107' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: new Date(platform.now()).toISOString(),
        valueCodeableConcept: { coding: [{ system: 'http://snomed.info/sct', code: '130987000' }] },
      });
      expect(created.status).toBe(201);
      const news2 = await live.next(
        (f) =>
          f.type === 'news2' && (f.subScores as { consciousness: number } | undefined)?.consciousness === 3,
      );
      expect(news2.red).toBe(true);
    } finally {
      live.close();
    }
  });

  it('charts vitals and NEWS2 to records as Observations with the NEWS2 sub-scores as components', async () => {
    const history = await eventually(async () => {
      const page = await platform.json<{ entry?: Array<{ resource: Record<string, unknown> }> }>(
        'GET',
        '/fhir/R4/Observation/_history?_count=500',
      );
      const entries = page.body.entry ?? [];
      const news2 = entries.find((e) => JSON.stringify(e.resource.code).includes('1104051000000101'));
      const heartRate = entries.find((e) => JSON.stringify(e.resource.code).includes('8867-4'));
      return news2 && heartRate
        ? { news2: news2.resource, heartRate: heartRate.resource, entries }
        : undefined;
    }, 15_000);
    expect((history.news2.component as unknown[]).length).toBe(7);
    expect(history.heartRate).toMatchObject({
      status: 'final',
      subject: { reference: `Patient/${patientId}` },
    });
    // Never once per sample: far fewer charted Observations than samples sent.
    expect(history.entries.length).toBeLessThan(60);
  });

  it('ending the assignment in records takes the device off the patient at once', async () => {
    const ended = await platform.json('PUT', '/fhir/R4/Device/bed-1', {
      resourceType: 'Device',
      id: 'bed-1',
      status: 'active',
      location: { reference: 'Location/ward-a' },
    });
    expect(ended.status).toBe(200);
    await eventually(async () => {
      const t = platform.now();
      await platform.json('POST', '/monitoring/v1/samples', {
        device: 'bed-1',
        samples: [{ code: '8867-4', time: new Date(t).toISOString(), value: 45 }],
      });
      const latest = await platform.json<{ vitals: { heartRate: { value: number } } }>(
        'GET',
        `/monitoring/v1/patients/${patientId}/latest`,
      );
      return latest.body.vitals.heartRate.value !== 45 ? true : undefined;
    });
  });
});

describe('scale 2 and vital limits', () => {
  it('scores SpO2 on scale 2 for a patient with a documented hypercapnic target, and raises a limit alert', async () => {
    const other = await platform.json<{ id: string }>('POST', '/fhir/R4/Patient', {
      resourceType: 'Patient',
    });
    const id = other.body.id;
    await platform.json('PUT', '/fhir/R4/Device/bed-2', {
      resourceType: 'Device',
      id: 'bed-2',
      patient: { reference: `Patient/${id}` },
    });
    const settings = await platform.json('PUT', `/monitoring/v1/patients/${id}/settings`, {
      spo2Scale: 2,
      hypercapnicTargetRange: true,
      documentedBy: 'Practitioner/dr-1',
      limits: { heartRate: { high: 100 } },
    });
    expect(settings.status).toBe(200);
    const live = await connect(`${platform.url.replace('http', 'ws')}/monitoring/v1/live?patient=${id}`);
    try {
      await eventually(async () => {
        await platform.json(
          'POST',
          '/monitoring/v1/samples',
          vitalsBatch('bed-2', platform.now(), { ...normal, spo2: 89, hr: 105 }),
        );
        const latest = await platform.json<{
          news2: { spo2Scale: number; subScores: { spo2: number } } | null;
        }>('GET', `/monitoring/v1/patients/${id}/latest`);
        return latest.body.news2 ?? undefined;
      }).then((news2) => {
        expect(news2.spo2Scale).toBe(2);
        expect(news2.subScores.spo2).toBe(0); // 89 % is in the 88–92 target on scale 2 (would be 3 on scale 1)
      });
      const limit = await live.next(
        (f) => f.type === 'alert' && (f.alert as { rule: string }).rule === 'limit:heartRate',
      );
      expect(limit.event).toMatchObject({ type: 'raised', severity: 'urgent' });
    } finally {
      live.close();
    }
  });
});

describe('metrics', () => {
  /** The value of one series in the Prometheus text exposition, or undefined when absent. */
  const series = (text: string, name: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name} `));
    return line === undefined ? undefined : Number(line.slice(name.length + 1));
  };

  it('times alert delivery and ingest lag, by channel, severity and stage only (no patient or device)', async () => {
    const text = await (await fetch(`${platform.url}/metrics`)).text();
    const live = series(text, 'monitoring_alert_delivery_seconds_count{channel="live",severity="emergency"}');
    const bus = series(text, 'monitoring_alert_delivery_seconds_count{channel="bus",severity="emergency"}');
    expect(live).toBeGreaterThanOrEqual(1);
    expect(bus).toBeGreaterThanOrEqual(1);
    // On this loopback platform a raised alert reaches the live stream well within 10 s of its sample.
    expect(
      series(text, 'monitoring_alert_delivery_seconds_bucket{le="10",channel="live",severity="emergency"}'),
    ).toBe(live);
    expect(series(text, 'monitoring_ingest_lag_seconds_count{stage="scored"}')).toBeGreaterThanOrEqual(1);
    expect(series(text, 'monitoring_ingest_lag_seconds_count{stage="stored"}')).toBeGreaterThanOrEqual(1);
    const monitoringLines = text.split('\n').filter((l) => l.startsWith('monitoring_'));
    expect(monitoringLines.length).toBeGreaterThan(0);
    for (const line of monitoringLines) {
      expect(line).not.toContain(patientId);
      expect(line).not.toContain('bed-1');
      expect(line).not.toContain('ward-a');
    }
  });
});
