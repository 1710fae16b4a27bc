// MQTT ingest against the real Mosquitto (HEALTHLANE_TEST_MQTT_URL, default 127.0.0.1:1883), with
// a unique topic prefix and client ids per run: QoS 1 messages on the documented topic scheme are
// stored and scored; with the service away, its persistent session keeps the messages, which arrive
// when it comes back; a malformed message is acknowledged and counted, not redelivered forever.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vitalsTopic } from '../src/index.ts';
import { eventually, type Platform, startPlatform, vitalsBatch } from './support/platform.ts';

const brokerUrl = process.env.HEALTHLANE_TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';
const run = randomBytes(6).toString('hex');
const prefix = `hltest-${run}`;
const clientId = `hlmon-${run}`;
let dataDir: string;
let platform: Platform | undefined;
let device: MqttClient;
let patientId: string;

function env(connections: number): Record<string, string> {
  return {
    HEALTHLANE_DATA_DIR: dataDir,
    MONITORING_MQTT_URL: brokerUrl,
    MONITORING_MQTT_TOPIC_PREFIX: prefix,
    MONITORING_MQTT_CLIENT_ID: clientId,
    MONITORING_MQTT_CONNECTIONS: String(connections),
  };
}

async function heartRates(p: Platform, fromMs: number): Promise<number[]> {
  const reply = await p.json<{ points: Array<{ value: number }> }>(
    'GET',
    `/monitoring/v1/patients/${patientId}/series?code=8867-4&from=${new Date(fromMs).toISOString()}&to=${new Date(p.now() + 60_000).toISOString()}`,
  );
  return reply.body.points.map((point) => point.value);
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'healthlane-mqtt-'));
  platform = await startPlatform(env(1));
  const patient = await platform.json<{ id: string }>('POST', '/fhir/R4/Patient', {
    resourceType: 'Patient',
  });
  patientId = patient.body.id;
  await platform.json('PUT', '/fhir/R4/Device/mqtt-bed', {
    resourceType: 'Device',
    id: 'mqtt-bed',
    patient: { reference: `Patient/${patientId}` },
  });
  const p = platform;
  await eventually(async () => {
    await p.json('POST', '/monitoring/v1/samples', {
      device: 'mqtt-bed',
      samples: [{ code: '8867-4', time: new Date(p.now()).toISOString(), value: 50 }],
    });
    const latest = await p.json<{ vitals: Record<string, unknown> }>(
      'GET',
      `/monitoring/v1/patients/${patientId}/latest`,
    );
    return latest.body.vitals.heartRate ? true : undefined;
  });
  device = await mqtt.connectAsync(brokerUrl, { clientId: `${clientId}-device`, clean: true });
}, 60_000);

afterAll(async () => {
  await device?.endAsync();
  await platform?.stop();
  // Remove the service's persistent sessions from the shared broker.
  for (const suffix of ['0', '1']) {
    const client = await mqtt.connectAsync(brokerUrl, { clientId: `${clientId}-${suffix}`, clean: true });
    await client.endAsync();
  }
  await rm(dataDir, { recursive: true, force: true });
});

describe('MQTT ingest', () => {
  it('stores and scores QoS 1 messages on <prefix>/v1/devices/<id>/vitals', async () => {
    const p = platform as Platform;
    const start = p.now();
    await device.publishAsync(
      vitalsTopic(prefix, 'mqtt-bed'),
      JSON.stringify(vitalsBatch('mqtt-bed', start, { rr: 16, spo2: 97, sbp: 120, hr: 71, temp: 37 })),
      { qos: 1 },
    );
    await eventually(async () => ((await heartRates(p, start - 1)).includes(71) ? true : undefined));
    await eventually(async () => {
      const latest = await p.json<{ news2: { total: number } | null }>(
        'GET',
        `/monitoring/v1/patients/${patientId}/latest`,
      );
      return latest.body.news2?.total === 0 ? true : undefined;
    });
  });

  it('acknowledges a malformed message without storing anything and keeps consuming', async () => {
    const p = platform as Platform;
    const start = p.now();
    await device.publishAsync(vitalsTopic(prefix, 'mqtt-bed'), 'not json', { qos: 1 });
    await device.publishAsync(
      vitalsTopic(prefix, 'mqtt-bed'),
      JSON.stringify({ samples: [{ code: '8867-4', time: new Date(start).toISOString(), value: 72 }] }),
      { qos: 1 },
    );
    await eventually(async () => ((await heartRates(p, start - 1)).includes(72) ? true : undefined));
    const metrics = await (await fetch(`${p.url}/metrics`)).text();
    expect(metrics).toMatch(/monitoring_mqtt_refused_messages_total \d/);
    expect(metrics).not.toMatch(/monitoring_mqtt_refused_messages_total 0\b/);
  });

  it('keeps messages for its persistent session while away and stores them when back', async () => {
    await (platform as Platform).stop();
    platform = undefined;
    const sentAt = Date.now();
    for (let i = 0; i < 5; i += 1) {
      const time = new Date(sentAt + i * 1000).toISOString();
      await device.publishAsync(
        vitalsTopic(prefix, 'mqtt-bed'),
        JSON.stringify({ samples: [{ code: '8867-4', time, value: 100 + i }] }),
        { qos: 1 },
      );
    }
    platform = await startPlatform(env(1));
    const p = platform;
    const values = await eventually(async () => {
      const rates = await heartRates(p, sentAt - 1);
      return [100, 101, 102, 103, 104].every((v) => rates.includes(v)) ? rates : undefined;
    }, 20_000);
    expect(values.filter((v) => v >= 100 && v <= 104)).toHaveLength(5);
  });

  it('shares the subscription among several connections', async () => {
    await (platform as Platform).stop();
    platform = await startPlatform(env(2));
    const p = platform;
    const start = p.now();
    for (let i = 0; i < 20; i += 1) {
      const time = new Date(start + i).toISOString();
      await device.publishAsync(
        vitalsTopic(prefix, 'mqtt-bed'),
        JSON.stringify({ samples: [{ code: '8867-4', time, value: 60 + i }] }),
        { qos: 1 },
      );
    }
    await eventually(async () => ((await heartRates(p, start - 1)).length >= 20 ? true : undefined), 20_000);
  });

  it('joins the shared-subscription group MONITORING_MQTT_SHARE_GROUP names, whatever its client id', async () => {
    const group = `grp-${run}`;
    await (platform as Platform).stop();
    // Fresh client ids: the earlier tests' persistent sessions keep their own group's subscription.
    platform = await startPlatform({
      ...env(2),
      MONITORING_MQTT_CLIENT_ID: `hlpod-${run}`,
      MONITORING_MQTT_SHARE_GROUP: group,
    });
    const p = platform;
    // Another member of the group (a second replica, as far as the broker can tell) takes its share.
    const member = await mqtt.connectAsync(brokerUrl, {
      protocolVersion: 5,
      clientId: `member-${run}`,
      clean: true,
    });
    let memberGot = 0;
    member.on('message', () => {
      memberGot += 1;
    });
    await member.subscribeAsync(`$share/${group}/${prefix}/v1/devices/+/vitals`, { qos: 1 });
    try {
      const start = p.now();
      for (let i = 0; i < 12; i += 1) {
        const time = new Date(start + i).toISOString();
        await device.publishAsync(
          vitalsTopic(prefix, 'mqtt-bed'),
          JSON.stringify({ samples: [{ code: '8867-4', time, value: 70 + i }] }),
          { qos: 1 },
        );
      }
      // Only this test's values (70–81): earlier tests' samples may share the time window.
      const ours = async () => (await heartRates(p, start - 1)).filter((value) => value >= 70 && value <= 81);
      await eventually(async () => (memberGot + (await ours()).length >= 12 ? true : undefined), 20_000);
      expect(memberGot).toBeGreaterThan(0);
      expect(memberGot).toBeLessThan(12);
      expect(await ours()).toHaveLength(12 - memberGot);
    } finally {
      await member.endAsync();
    }
  });
});
