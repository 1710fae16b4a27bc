// Identity's audit trail (IHE BALP / ATNA through @healthlane/audit): sign-ins and their failures,
// logouts, refused token requests, break-glass and user administration. Events carry user ids,
// client ids, roles and the network address — never a typed user name that matched no account, a
// password, a code, a token or a secret.
import {
  type AuditClient,
  type AuditEventInput,
  type AuditProducer,
  type AuditUser,
  buildAuditEvent,
  createAuditProducer,
} from '@healthlane/audit';
import type { Bus } from '@healthlane/bus';
import type { Database, Transaction } from '@healthlane/store';
import type { Logger } from 'pino';

export interface IdentityAudit {
  producer: AuditProducer;
  /** Records an event on its own (group commit); resolves once it is durable. */
  record(input: IdentityAuditInput): Promise<void>;
  /** Records an event in the caller's transaction (with the change it describes); kick() after commit. */
  enqueue(tx: Transaction, input: IdentityAuditInput): Promise<void>;
  kick(): void;
}

export type IdentityAuditInput = Omit<AuditEventInput, 'observer' | 'recorded'>;

/** The grant types a failure is described by; anything else a client sent is 'other' (it is input). */
const knownGrantTypes = new Set(['authorization_code', 'refresh_token', 'client_credentials']);

export function grantTypeLabel(value: unknown): string {
  return typeof value === 'string' && knownGrantTypes.has(value) ? value : 'other';
}

/** oidc-provider error codes are fixed words; anything else collapses to 'error'. */
export function oauthErrorLabel(error: unknown): string {
  const code = (error as { error?: unknown } | undefined)?.error;
  return typeof code === 'string' && /^[a-z_]{1,40}$/.test(code) ? code : 'error';
}

export function auditUser(user: {
  id: string;
  roles: readonly string[];
  patientId?: string | null;
}): AuditUser {
  return {
    id: user.id,
    roles: [...user.roles],
    ...(user.roles.includes('patient') && user.patientId ? { reference: `Patient/${user.patientId}` } : {}),
  };
}

export function auditClient(clientId: string | undefined): AuditClient | undefined {
  return clientId ? { id: clientId } : undefined;
}

export function createIdentityAudit(options: {
  db: Database;
  bus: Bus;
  logger?: Logger;
  now: () => Date;
  pollIntervalMs?: number;
}): IdentityAudit {
  const producer = createAuditProducer({
    db: options.db,
    bus: options.bus,
    source: 'identity',
    schema: 'identity_audit',
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.pollIntervalMs === undefined ? {} : { pollIntervalMs: options.pollIntervalMs }),
  });
  const event = (input: IdentityAuditInput) =>
    buildAuditEvent({ ...input, recorded: options.now(), observer: 'identity' });
  return {
    producer,
    async record(input) {
      await producer.record(event(input));
    },
    async enqueue(tx, input) {
      await producer.enqueue(tx, event(input));
    },
    kick: () => producer.kick(),
  };
}
