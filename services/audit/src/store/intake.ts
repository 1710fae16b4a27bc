// Intake: each `audit.*` message lands in the inbox exactly once (idempotent consumer: the
// processed mark and the inbox row commit together). Any replica may take messages; chaining
// them is the appender's job, one writer at a time.
import { type DeliveredMessage, idempotent, idempotentBatch } from '@healthlane/bus';
import type { Database } from '@healthlane/store';

export const intakeConsumer = 'audit-log';

export interface IntakeOptions {
  db: Database;
  /** Called after a message committed (to wake the appender) or was refused as not an AuditEvent. */
  onAccepted?: () => void;
  onRefused?: () => void;
}

function isAuditEvent(data: unknown): data is Record<string, unknown> {
  return (
    typeof data === 'object' &&
    data !== null &&
    !Array.isArray(data) &&
    (data as { resourceType?: unknown }).resourceType === 'AuditEvent'
  );
}

export function createIntakeHandler(options: IntakeOptions): (message: DeliveredMessage) => Promise<void> {
  const handle = idempotent<unknown>({
    db: options.db,
    schema: 'audit',
    consumer: intakeConsumer,
    async handle(tx, message) {
      if (!isAuditEvent(message.data)) {
        options.onRefused?.();
        return; // marked processed: redelivering a message that is not an AuditEvent cannot help
      }
      // The bus message id is the event's id everywhere (producer, inbox, log, FHIR id).
      const event = { ...message.data, id: message.id };
      await tx.query(
        'INSERT INTO audit.inbox (event_id, event) VALUES ($1, $2) ON CONFLICT (event_id) DO NOTHING',
        [message.id, JSON.stringify(event)],
      );
    },
  });
  return async (message) => {
    await handle(message);
    options.onAccepted?.();
  };
}

/**
 * The same intake for many messages at once (the bus's `handleBatch`): one transaction marks them
 * processed and writes their inbox rows with one multi-row INSERT each.
 */
export function createIntakeBatchHandler(
  options: IntakeOptions,
): (messages: DeliveredMessage[]) => Promise<void> {
  const handle = idempotentBatch<unknown>({
    db: options.db,
    schema: 'audit',
    consumer: intakeConsumer,
    async handle(tx, messages) {
      const ids: string[] = [];
      const events: string[] = [];
      for (const message of messages) {
        if (!isAuditEvent(message.data)) {
          options.onRefused?.();
          continue; // marked processed, as in the single-message intake
        }
        ids.push(message.id);
        events.push(JSON.stringify({ ...message.data, id: message.id }));
      }
      if (ids.length === 0) return;
      await tx.query(
        `INSERT INTO audit.inbox (event_id, event)
         SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (event_id) DO NOTHING`,
        [ids, events],
      );
    },
  });
  return async (messages) => {
    await handle(messages);
    options.onAccepted?.();
  };
}
