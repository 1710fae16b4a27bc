// MQTT ingest. Topic scheme: <prefix>/v1/devices/<Device id>/vitals, payload the device batch
// (the topic names the device), QoS 1. The service subscribes with persistent sessions
// (clean: false, fixed client ids) so the broker keeps messages for it while it is away, and
// acknowledges each message (PUBACK) only after its samples are durable: mqtt.js sends the PUBACK
// of a QoS 1 message when the client's `handleMessage` calls back, and handles one message at a
// time per connection — so a crash before the write commits means redelivery, not loss. To write
// more than one message per commit, the service opens several connections sharing one MQTT 5
// shared subscription ($share/<group>/…); their in-flight messages are committed together by the
// sample writer. A malformed message is acknowledged (redelivering it cannot help) and counted.
import { setTimeout as sleep } from 'node:timers/promises';
import mqtt, { type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { IngestPipeline } from './ingest-pipeline.ts';

export interface MqttIngestOptions {
  url: string;
  topicPrefix: string;
  clientId: string;
  /** Shared-subscription group, the same on every replica (client ids differ per pod). */
  shareGroup: string;
  connections: number;
  pipeline: IngestPipeline;
  logger: Logger;
  onRefusedMessage?: () => void;
}

export interface MqttIngest {
  start(): Promise<void>;
  stop(): Promise<void>;
  connected(): boolean;
}

export function vitalsTopic(prefix: string, deviceId: string): string {
  return `${prefix}/v1/devices/${deviceId}/vitals`;
}

export function deviceFromTopic(prefix: string, topic: string): string | undefined {
  const head = `${prefix}/v1/devices/`;
  if (!topic.startsWith(head) || !topic.endsWith('/vitals')) return undefined;
  const device = topic.slice(head.length, -'/vitals'.length);
  return /^[A-Za-z0-9\-.]{1,64}$/.test(device) ? device : undefined;
}

export function createMqttIngest(options: MqttIngestOptions): MqttIngest {
  const clients: MqttClient[] = [];
  let stopping = false;
  const filter = `${options.topicPrefix}/v1/devices/+/vitals`;
  const subscription = options.connections > 1 ? `$share/${options.shareGroup}/${filter}` : filter;

  async function handle(topic: string, payload: Buffer): Promise<void> {
    const device = deviceFromTopic(options.topicPrefix, topic);
    let body: unknown;
    try {
      if (device === undefined) throw new Error('topic');
      body = JSON.parse(payload.toString('utf8'));
    } catch {
      options.onRefusedMessage?.();
      return;
    }
    // Retry a failed write until it is durable: the PUBACK (and this connection) waits for it.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const result = await options.pipeline.ingest(body, device);
        if (!result.ok) options.onRefusedMessage?.();
        return;
      } catch (error) {
        if (stopping) throw error; // no PUBACK: the broker redelivers to the next session
        options.logger.warn(
          { err: error, attempt },
          'MQTT samples not stored yet; retrying before acknowledging',
        );
        await sleep(Math.min(100 * 2 ** attempt, 5_000));
      }
    }
  }

  function connect(index: number): Promise<MqttClient> {
    const client = mqtt.connect(options.url, {
      clientId: `${options.clientId}-${index}`,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 7 * 24 * 3600 },
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
    });
    client.handleMessage = (packet, callback) => {
      handle(packet.topic, packet.payload as Buffer).then(
        () => callback(),
        (error: unknown) => callback(error as Error),
      );
    };
    client.on('error', (error) => {
      if (!stopping) options.logger.warn({ err: error }, 'MQTT connection error');
    });
    return new Promise((resolve, reject) => {
      client.once('connect', () => {
        // Subscribing again on a present session is harmless and keeps the filter current.
        client.subscribe(subscription, { qos: 1 }, (error) => (error ? reject(error) : resolve(client)));
      });
      client.once('error', reject);
    });
  }

  return {
    async start() {
      stopping = false;
      for (let i = 0; i < options.connections; i += 1) clients.push(await connect(i));
      options.logger.info({ connections: options.connections }, 'MQTT ingest subscribed');
    },
    async stop() {
      stopping = true;
      await Promise.all(clients.splice(0).map((client) => client.endAsync(false)));
    },
    connected: () => clients.length > 0 && clients.every((c) => c.connected),
  };
}
