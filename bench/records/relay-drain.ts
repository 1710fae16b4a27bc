// Outbox relay drain rate: N events committed to a service's outbox on a fresh PostgreSQL database
// (or in-memory PGlite), then timed until the relay has published them all to the in-process bus.
// `--per-event` wraps the bus so each batch is published one message at a time (the relay as it was
// before batched publishing), for a before/after figure on the same machine in the same run.
// Usage: node --import tsx bench/records/relay-drain.ts [--backend postgres|pglite] [--events 5000]
//        [--per-event] [--record]
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type Bus, createInProcessBus, createOutbox } from '@healthlane/bus';
import {
  createTestPgliteDatabase,
  createTestPostgresDatabase,
  type TestDatabase,
} from '@healthlane/store/testing';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'postgres' },
    events: { type: 'string', default: '5000' },
    'per-event': { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
  },
});
const events = Number(values.events);
if (!Number.isInteger(events) || events < 1 || events > 200_000)
  throw new Error('--events must be 1..200000');
if (values.backend !== 'postgres' && values.backend !== 'pglite')
  throw new Error('--backend postgres|pglite');

/** Publishes a batch message by message, as the relay did before `publishBatch`. */
function oneByOne(bus: Bus): Bus {
  return {
    ...bus,
    kind: bus.kind,
    publishBatch: async (messages) => {
      for (const { subject, data, id, headers } of messages)
        await bus.publish(subject, data, { id, headers });
    },
  };
}

const test: TestDatabase =
  values.backend === 'postgres' ? await createTestPostgresDatabase() : await createTestPgliteDatabase();
const loadAtStart = os.loadavg();
try {
  const { db } = test;
  const bus = await createInProcessBus({ db });
  const outbox = createOutbox({ db, bus: values['per-event'] ? oneByOne(bus) : bus, schema: 'drain' });
  await outbox.migrate();
  for (let done = 0; done < events; done += 100) {
    await db.transaction(async (tx) => {
      for (let i = done; i < Math.min(done + 100, events); i++) {
        await outbox.enqueue(tx, 'fhir.Patient.created', {
          resourceType: 'Patient',
          id: `p${i}`,
          versionId: '1',
        });
      }
    });
  }
  const started = performance.now();
  outbox.start();
  while ((await outbox.stats()).pending > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  const seconds = (performance.now() - started) / 1000;
  await outbox.stop();
  await bus.close();
  const figures = {
    backend: values.backend,
    mode: values['per-event'] ? 'one publish per event' : 'one publishBatch per relay pass',
    events,
    seconds: Math.round(seconds * 1000) / 1000,
    eventsPerSecond: Math.round(events / seconds),
    loadAtStart: loadAtStart.map((load) => Math.round(load * 100) / 100),
  };
  console.log(figures);
  if (values.record) await recordResult(`relay-drain-${values.backend}`, figures);
} finally {
  await test.drop();
}
