// How simulated devices reach monitoring: HTTP (one POST per tick carrying every bed's batch, in
// chunks), WebSocket (a few streams, each batch acknowledged by sequence number) or MQTT (one QoS 1
// message per bed per tick on <prefix>/v1/devices/<id>/vitals).
import mqtt, { type MqttClient } from 'mqtt';
import WebSocket from 'ws';
import type { Reading } from './scenarios.ts';

export const transports = ['http', 'ws', 'mqtt'] as const;
export type TransportName = (typeof transports)[number];

export interface SendOutcome {
  accepted: number;
  refusedSamples: number;
  refusedMessages: number;
  failed: number;
}

export interface DeviceTransport {
  /** Sends one tick's readings (one per bed); resolves with what the service acknowledged. */
  send(readings: Array<{ device: string; reading: Reading }>): Promise<SendOutcome>;
  close(): Promise<void>;
}

const empty = (): SendOutcome => ({ accepted: 0, refusedSamples: 0, refusedMessages: 0, failed: 0 });

function add(into: SendOutcome, from: Partial<SendOutcome>): void {
  into.accepted += from.accepted ?? 0;
  into.refusedSamples += from.refusedSamples ?? 0;
  into.refusedMessages += from.refusedMessages ?? 0;
  into.failed += from.failed ?? 0;
}

export function httpTransport(url: string, headers: Record<string, string>): DeviceTransport {
  const chunk = 200;
  return {
    async send(readings) {
      const outcome = empty();
      const payloads = readings.filter((r) => r.reading.kind !== 'silent');
      const requests: Promise<void>[] = [];
      for (let start = 0; start < payloads.length; start += chunk) {
        const part = payloads.slice(start, start + chunk);
        const text = `[${part.map((r) => (r.reading.kind === 'raw' ? r.reading.text : JSON.stringify((r.reading as { body: unknown }).body))).join(',')}]`;
        requests.push(
          fetch(`${url}/monitoring/v1/samples`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...headers },
            body: text,
          })
            .then(async (response) => {
              if (response.status === 400 && part.some((r) => r.reading.kind === 'raw')) {
                // A malformed message poisons its whole request: resend the well-formed ones.
                add(outcome, { refusedMessages: part.filter((r) => r.reading.kind === 'raw').length });
                const rest = part.filter((r) => r.reading.kind === 'payload');
                if (rest.length > 0) add(outcome, await httpTransport(url, headers).send(rest));
                return;
              }
              if (response.status !== 200) {
                add(outcome, { failed: part.length });
                return;
              }
              const reply = (await response.json()) as {
                batches: Array<{ accepted?: number; refused?: unknown[]; error?: string }>;
              };
              for (const batch of reply.batches) {
                if (batch.error) add(outcome, { refusedMessages: 1 });
                else
                  add(outcome, { accepted: batch.accepted ?? 0, refusedSamples: batch.refused?.length ?? 0 });
              }
            })
            .catch(() => add(outcome, { failed: part.length })),
        );
      }
      await Promise.all(requests);
      return outcome;
    },
    async close() {},
  };
}

export async function wsTransport(
  url: string,
  headers: Record<string, string>,
  streams: number,
): Promise<DeviceTransport> {
  const sockets = await Promise.all(
    Array.from({ length: streams }, async () => {
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/monitoring/v1/ingest`, { headers });
      await new Promise<void>((resolve, reject) => {
        socket.once('open', () => resolve());
        socket.once('error', reject);
      });
      return socket;
    }),
  );
  let seq = 0;
  const pending = new Map<number, (reply: Record<string, unknown>) => void>();
  for (const socket of sockets) {
    socket.on('message', (data) => {
      const reply = JSON.parse(data.toString()) as Record<string, unknown>;
      const resolve = typeof reply.seq === 'number' ? pending.get(reply.seq) : undefined;
      if (resolve) {
        pending.delete(reply.seq as number);
        resolve(reply);
      }
    });
    socket.on('close', () => {
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve({ error: 'closed', failed: true });
      }
    });
  }
  return {
    async send(readings) {
      const outcome = empty();
      await Promise.all(
        readings.map(({ reading }, i) => {
          if (reading.kind === 'silent') return Promise.resolve();
          const socket = sockets[i % sockets.length] as WebSocket;
          if (reading.kind === 'raw') {
            socket.send(reading.text);
            add(outcome, { refusedMessages: 1 });
            return Promise.resolve();
          }
          const id = seq++;
          return new Promise<void>((resolve) => {
            pending.set(id, (reply) => {
              if (reply.failed) add(outcome, { failed: 1 });
              else if (typeof reply.error === 'string')
                add(outcome, reply.retry ? { failed: 1 } : { refusedMessages: 1 });
              else
                add(outcome, {
                  accepted: Number(reply.accepted ?? 0),
                  refusedSamples: (reply.refused as unknown[] | undefined)?.length ?? 0,
                });
              resolve();
            });
            socket.send(JSON.stringify({ seq: id, ...reading.body }));
          });
        }),
      );
      return outcome;
    },
    async close() {
      for (const socket of sockets) socket.close();
    },
  };
}

export async function mqttTransport(
  brokerUrl: string,
  prefix: string,
  clientId: string,
): Promise<DeviceTransport> {
  const client: MqttClient = await mqtt.connectAsync(brokerUrl, {
    clientId,
    clean: true,
    reconnectPeriod: 0,
  });
  return {
    async send(readings) {
      const outcome = empty();
      await Promise.all(
        readings.map(async ({ device, reading }) => {
          if (reading.kind === 'silent') return;
          const text =
            reading.kind === 'raw' ? reading.text : JSON.stringify({ ...reading.body, device: undefined });
          try {
            // PUBACK from the broker: the broker has it. The service stores it, then acknowledges to the broker.
            await client.publishAsync(`${prefix}/v1/devices/${device}/vitals`, text, { qos: 1 });
            add(
              outcome,
              reading.kind === 'raw'
                ? { refusedMessages: 1 }
                : { accepted: (reading.body.samples as unknown[]).length },
            );
          } catch {
            add(outcome, { failed: 1 });
          }
        }),
      );
      return outcome;
    },
    close: () => client.endAsync(),
  };
}
