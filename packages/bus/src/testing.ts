// Test helpers (`@healthlane/bus/testing`): a NATS bus on its own throwaway stream and subject prefix,
// so test files can share one NATS server without seeing each other's messages.
import { randomBytes } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { Bus } from './bus-port.ts';
import { createNatsBus, type NatsBusOptions } from './nats-bus.ts';

/** Used when HEALTHLANE_TEST_NATS_URL is not set. */
export const defaultTestNatsUrl = 'nats://127.0.0.1:4222';

export interface TestNatsBus {
  bus: Bus;
  url: string;
  stream: string;
  subjectPrefix: string;
  /** Opens another bus (a replica) on the same stream. */
  open(overrides?: Partial<NatsBusOptions>): Promise<Bus>;
  /** Closes every bus opened here and deletes the stream. Idempotent. */
  drop(): Promise<void>;
}

export function testNatsUrl(): string {
  return process.env.HEALTHLANE_TEST_NATS_URL ?? defaultTestNatsUrl;
}

export async function createTestNatsBus(overrides: Partial<NatsBusOptions> = {}): Promise<TestNatsBus> {
  const suffix = randomBytes(6).toString('hex');
  const settings: NatsBusOptions = {
    url: testNatsUrl(),
    stream: `HL_TEST_${suffix}`,
    subjectPrefix: `hltest_${suffix}`,
    duplicateWindowMs: 60_000,
    ...overrides,
  };
  const opened: Bus[] = [];
  const open = async (more: Partial<NatsBusOptions> = {}) => {
    const bus = await createNatsBus({ ...settings, ...more });
    opened.push(bus);
    return bus;
  };
  const bus = await open();
  let dropping: Promise<void> | undefined;
  return {
    bus,
    url: settings.url,
    stream: settings.stream,
    subjectPrefix: settings.subjectPrefix,
    open,
    drop() {
      dropping ??= (async () => {
        await Promise.all(opened.map((each) => each.close()));
        const nc = await connect({ servers: settings.url });
        try {
          const jsm = await jetstreamManager(nc);
          await jsm.streams.delete(settings.stream).catch(() => false);
        } finally {
          await nc.close();
        }
      })();
      return dropping;
    },
  };
}
