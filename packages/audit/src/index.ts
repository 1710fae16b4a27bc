// @healthlane/audit: FHIR R4 AuditEvents following IHE BALP, and the producer that records them.
export {
  type AuditClient,
  type AuditEvent,
  type AuditEventAgent,
  type AuditEventEntity,
  type AuditEventInput,
  type AuditUser,
  buildAuditEvent,
} from './audit-event.ts';
export {
  type AuditAction,
  type AuditInteraction,
  type AuditOutcome,
  type Coding,
  interactionCodes,
  outcomeOfStatus,
  type PurposeOfUse,
  system as auditCodeSystem,
} from './codes.ts';
export {
  type AuditProducer,
  type AuditProducerOptions,
  auditSubject,
  createAuditProducer,
} from './producer.ts';
