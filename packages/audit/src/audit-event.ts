// Builds a FHIR R4 AuditEvent following IHE BALP (Basic Audit Log Patterns) from what a service
// knows about one interaction: who (user, client, network address), what (resources, patient,
// query), the outcome and the purpose of use. Pure: the clock and ids come from the caller.
import {
  type AuditInteraction,
  type AuditOutcome,
  agentType,
  type Coding,
  entityCodes,
  interactionCodes,
  type PurposeOfUse,
  purposeDisplay,
  system,
} from './codes.ts';

export interface CodeableConcept {
  coding: Coding[];
  text?: string;
}

export interface Reference {
  reference?: string;
  identifier?: { system?: string; value: string };
  display?: string;
}

export interface AuditEventAgent {
  type?: CodeableConcept;
  role?: CodeableConcept[];
  who?: Reference;
  altId?: string;
  name?: string;
  requestor: boolean;
  policy?: string[];
  network?: { address: string; type: '1' | '2' };
  purposeOfUse?: CodeableConcept[];
}

export interface AuditEventEntity {
  what?: Reference;
  type?: Coding;
  role?: Coding;
  name?: string;
  description?: string;
  /** base64 of the query string: allowed inside the audit record, never in logs. */
  query?: string;
}

/** A FHIR R4 AuditEvent as HealthLane produces it. */
export interface AuditEvent {
  resourceType: 'AuditEvent';
  id?: string;
  meta?: { versionId?: string; lastUpdated?: string };
  type: Coding;
  subtype: Coding[];
  action: string;
  recorded: string;
  outcome: AuditOutcome;
  outcomeDesc?: string;
  purposeOfEvent?: CodeableConcept[];
  agent: AuditEventAgent[];
  source: { site?: string; observer: Reference; type: Coding[] };
  entity?: AuditEventEntity[];
}

/** The person acting, when identity knows one. Never put secrets here; ids and names are fine (they are audit data). */
export interface AuditUser {
  /** Stable user id (the token's `sub`); the agent's altId. */
  id: string;
  /** FHIR reference to the user's Practitioner / Patient / RelatedPerson resource, when known. */
  reference?: string;
  name?: string;
  /** Platform roles, e.g. 'clinician', 'privacy-officer'. */
  roles?: string[];
}

/** The software acting (an OAuth client, a SMART app, a backend service). */
export interface AuditClient {
  id: string;
  name?: string;
}

export interface AuditEventInput {
  interaction: AuditInteraction;
  outcome: AuditOutcome;
  /** A generic description of a failure (a problem kind such as 'forbidden'); never identifiers or values. */
  outcomeDesc?: string;
  recorded: Date;
  /** The service that observed the event, e.g. 'records'. */
  observer: string;
  /** Enterprise site, e.g. the hospital's name (AuditEvent.source.site). */
  site?: string;
  user?: AuditUser;
  client?: AuditClient;
  /** The requesting network address (IP). */
  address?: string;
  /** Resources concerned, as relative references ('Observation/1', 'Observation/1/_history/2'). */
  resources?: string[];
  /** Patients concerned, as 'Patient/<id>'. */
  patients?: string[];
  /** The raw query string of a search (without '?'); stored base64-encoded. */
  query?: string;
  /** The resource type searched, for a type-level search's query entity name. */
  queryType?: string;
  purposeOfUse?: PurposeOfUse[];
  /** Policy ids (e.g. a token's jti, a consent) under which access was granted. */
  policy?: string[];
  /** User administration: the user acted upon (a Security User Entity) and what changed ('password-reset'). */
  targetUser?: { id: string; change: string };
}

function purposes(codes: readonly PurposeOfUse[] | undefined): CodeableConcept[] | undefined {
  if (codes === undefined || codes.length === 0) return undefined;
  return codes.map((code) => ({
    coding: [{ system: system.actReason, code, display: purposeDisplay[code] }],
  }));
}

function withoutUndefined<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function agents(input: AuditEventInput): AuditEventAgent[] {
  const list: AuditEventAgent[] = [];
  const network = input.address === undefined ? undefined : ({ address: input.address, type: '2' } as const);
  const purposeOfUse = purposes(input.purposeOfUse);
  const { user, client } = input;
  if (user !== undefined) {
    list.push(
      withoutUndefined({
        type: { coding: [agentType.user] },
        role:
          user.roles === undefined || user.roles.length === 0
            ? undefined
            : user.roles.map((role) => ({ coding: [{ system: system.role, code: role }] })),
        who:
          user.reference === undefined
            ? { identifier: { system: 'urn:healthlane:user', value: user.id } }
            : { reference: user.reference },
        altId: user.id,
        name: user.name,
        requestor: true,
        policy: input.policy,
        purposeOfUse,
        network: client === undefined ? network : undefined,
      }),
    );
  }
  // The client carries the network address; without any identity the anonymous caller is the requestor.
  list.push(
    withoutUndefined({
      type: { coding: [agentType.client] },
      who:
        client === undefined
          ? { display: user === undefined ? 'unauthenticated client' : 'user agent' }
          : { identifier: { system: 'urn:healthlane:client', value: client.id } },
      altId: client?.id,
      name: client?.name,
      requestor: user === undefined,
      policy: user === undefined ? input.policy : undefined,
      purposeOfUse: user === undefined ? purposeOfUse : undefined,
      network: user === undefined || client !== undefined ? network : undefined,
    }),
  );
  list.push({
    type: { coding: [agentType.server] },
    who: { identifier: { system: system.service, value: input.observer } },
    requestor: false,
  });
  return list;
}

function entities(input: AuditEventInput): AuditEventEntity[] | undefined {
  const list: AuditEventEntity[] = [];
  for (const patient of new Set(input.patients ?? [])) {
    list.push({ what: { reference: patient }, ...entityCodes.patient });
  }
  for (const resource of new Set(input.resources ?? [])) {
    if (input.patients?.includes(resource)) continue; // already the patient entity
    list.push({ what: { reference: resource }, ...entityCodes.resource });
  }
  if (input.targetUser !== undefined) {
    list.push({
      what: { identifier: { system: 'urn:healthlane:user', value: input.targetUser.id } },
      ...entityCodes.securityUser,
      description: input.targetUser.change,
    });
  }
  if (input.query !== undefined) {
    list.push(
      withoutUndefined({
        ...entityCodes.query,
        // sev-1: a query entity has no name; the searched type goes in the description.
        description: input.queryType,
        query: Buffer.from(input.query, 'utf8').toString('base64'),
      }),
    );
  }
  return list.length === 0 ? undefined : list;
}

/** The AuditEvent for one interaction (without `id`: the producer assigns the event id). */
export function buildAuditEvent(input: AuditEventInput): AuditEvent {
  const codes = interactionCodes[input.interaction];
  return withoutUndefined({
    resourceType: 'AuditEvent',
    type: codes.type,
    subtype: codes.subtype,
    action: codes.action,
    recorded: input.recorded.toISOString(),
    outcome: input.outcome,
    outcomeDesc: input.outcomeDesc,
    purposeOfEvent: purposes(input.purposeOfUse),
    agent: agents(input),
    source: withoutUndefined({
      site: input.site,
      observer: {
        identifier: { system: system.service, value: input.observer },
        display: `HealthLane ${input.observer}`,
      },
      type: [{ system: system.sourceType, code: '4', display: 'Application Server' }],
    }),
    entity: entities(input),
  });
}
