// A miniature service used by the fault tests, in both the test process and the fixture processes
// it kills: a notes table written with an outbox event, and an idempotent consumer recording effects.
import { type Database, migrate, openDatabase } from '@healthlane/store';
import {
  type Bus,
  createInProcessBus,
  createNatsBus,
  createOutbox,
  type DeliveredMessage,
  idempotent,
  migrateProcessedEvents,
  type Outbox,
} from '../../src/index.ts';

export const schema = 'fault_app';
export const group = 'effects';
export const filter = 'notes.>';
/** Short, so a dead consumer's delivery comes back quickly. */
export const ackWaitMs = 500;

/** Where the stack lives; passed to fixture processes as environment variables. */
export interface StackEnv {
  HL_FAULT_DB_URL?: string;
  HL_FAULT_DB_DIR?: string;
  HL_FAULT_NATS_URL?: string;
  HL_FAULT_NATS_STREAM?: string;
  HL_FAULT_NATS_PREFIX?: string;
}

export interface Stack {
  db: Database;
  bus: Bus;
  outbox: Outbox;
  close(): Promise<void>;
}

export async function openStack(env: StackEnv, wrapBus: (bus: Bus) => Bus = (bus) => bus): Promise<Stack> {
  const db = await openDatabase(
    env.HL_FAULT_DB_URL ? { url: env.HL_FAULT_DB_URL } : { dataDir: env.HL_FAULT_DB_DIR },
  );
  const bus = env.HL_FAULT_NATS_URL
    ? await createNatsBus({
        url: env.HL_FAULT_NATS_URL,
        stream: env.HL_FAULT_NATS_STREAM ?? '',
        subjectPrefix: env.HL_FAULT_NATS_PREFIX ?? '',
        duplicateWindowMs: 60_000,
      })
    : await createInProcessBus({ db });
  // A short lease, so rows a killed relay had taken come back quickly.
  const outbox = createOutbox({ db, bus: wrapBus(bus), schema, leaseMs: 500, pollIntervalMs: 100 });
  await outbox.migrate();
  await migrateProcessedEvents(db, schema);
  await migrate(db, 'fault_app', [
    {
      version: 1,
      name: 'create-notes-and-effects',
      sql: `CREATE TABLE fault_app.notes (id text PRIMARY KEY);
            CREATE TABLE fault_app.effects (event_id text NOT NULL, note_id text NOT NULL);`,
    },
  ]);
  return {
    db,
    bus,
    outbox,
    async close() {
      await outbox.stop();
      await bus.close();
      await db.close();
    },
  };
}

/** The business write: a note and its event, in one transaction. Resolves with the event id. */
export function writeNote(stack: Stack, noteId: string): Promise<string> {
  return stack.db.transaction(async (tx) => {
    await tx.query('INSERT INTO fault_app.notes (id) VALUES ($1)', [noteId]);
    return stack.outbox.enqueue(tx, 'notes.created', { noteId }, { id: `note-${noteId}` });
  });
}

/** The consumer: applies each note event once, recording one effect row per application. */
export function applyNote(db: Database): (message: DeliveredMessage<{ noteId: string }>) => Promise<void> {
  return idempotent<{ noteId: string }>({
    db,
    schema,
    consumer: 'effects',
    handle: async (tx, message) => {
      await tx.query('INSERT INTO fault_app.effects (event_id, note_id) VALUES ($1, $2)', [
        message.id,
        message.data.noteId,
      ]);
    },
  });
}

export async function effectsFor(db: Database, noteId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM fault_app.effects WHERE note_id = $1',
    [noteId],
  );
  return rows[0]?.n ?? 0;
}
