// The index rows of one AuditEvent for the standard R4 AuditEvent search parameters. Every value is
// stored in the form a search compares with, so a search is plain equality (or a prefix for strings):
//   token      '=code', 'system|code'  (a coding without system '|code', without code 'system|');
//              a search for 'system|' alone matches 'system|…' by prefix
//   reference  'Type/id' and '/id'               (so `entity=123` and `entity=Patient/123` both match)
//   string     lower-cased, accents removed      (FHIR string search: starts-with, case-insensitive)
//   uri        as written
// `date` is the log's own `recorded` column; `_id` its event id.

export interface SearchToken {
  param: string;
  value: string;
}

interface CodingLike {
  system?: string;
  code?: string;
}
interface ReferenceLike {
  reference?: string;
  identifier?: { value?: string };
}
interface AgentLike {
  who?: ReferenceLike;
  altId?: string;
  name?: string;
  role?: Array<{ coding?: CodingLike[] }>;
  network?: { address?: string };
  policy?: string[];
}
interface EntityLike {
  what?: ReferenceLike;
  type?: CodingLike;
  role?: CodingLike;
  name?: string;
}
export interface IndexableAuditEvent {
  type?: CodingLike;
  subtype?: CodingLike[];
  action?: string;
  outcome?: string;
  agent?: AgentLike[];
  entity?: EntityLike[];
  source?: { site?: string; observer?: ReferenceLike };
}

export const codeSystems = {
  action: 'http://hl7.org/fhir/audit-event-action',
  outcome: 'http://hl7.org/fhir/audit-event-outcome',
} as const;

/** FHIR string matching: case- and accent-insensitive. */
export function normalizeString(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/**
 * A search for a system alone ('system|') matches by prefix on these parameters' values, so a coding
 * with a code stores no separate 'system|' row (a third fewer rows per event).
 */
export const codingParams: ReadonlySet<string> = new Set([
  'type',
  'subtype',
  'action',
  'outcome',
  'agent-role',
  'entity-type',
  'entity-role',
]);

export function tokenValues(system: string | undefined, code: string | undefined): string[] {
  if (code === undefined || code === '') return system === undefined ? [] : [`${system}|`];
  if (system === undefined || system === '') return [`=${code}`, `|${code}`];
  return [`=${code}`, `${system}|${code}`];
}

/** 'system|' (a system without a code): matched as a prefix of the stored 'system|code' values. */
export function isSystemOnly(value: string): boolean {
  return value.length > 1 && value.endsWith('|') && value.indexOf('|') === value.length - 1;
}

/** 'Patient/1', 'Patient/1/_history/2', 'http://host/fhir/R4/Patient/1' → 'Patient/1'; else undefined. */
export function relativeReference(reference: string): string | undefined {
  const match = /(?:^|\/)([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[A-Za-z0-9\-.]{1,64})?$/.exec(
    reference,
  );
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

export function referenceValues(reference: ReferenceLike | undefined): string[] {
  const relative = reference?.reference === undefined ? undefined : relativeReference(reference.reference);
  if (relative === undefined) return [];
  return [relative, relative.slice(relative.indexOf('/'))];
}

export function searchTokens(event: IndexableAuditEvent): SearchToken[] {
  const tokens: SearchToken[] = [];
  const add = (param: string, values: Iterable<string>) => {
    for (const value of values) tokens.push({ param, value });
  };
  const coding = (param: string, value: CodingLike | undefined) => {
    if (value !== undefined) add(param, tokenValues(value.system, value.code));
  };

  coding('type', event.type);
  for (const subtype of event.subtype ?? []) coding('subtype', subtype);
  if (event.action !== undefined) add('action', tokenValues(codeSystems.action, event.action));
  if (event.outcome !== undefined) add('outcome', tokenValues(codeSystems.outcome, event.outcome));

  const patients = new Set<string>();
  const collectPatient = (reference: ReferenceLike | undefined) => {
    const relative = reference?.reference === undefined ? undefined : relativeReference(reference.reference);
    if (relative?.startsWith('Patient/')) patients.add(relative);
  };

  for (const agent of event.agent ?? []) {
    add('agent', referenceValues(agent.who));
    collectPatient(agent.who);
    if (agent.altId !== undefined) add('altid', [`=${agent.altId}`]);
    if (agent.name !== undefined) add('agent-name', [normalizeString(agent.name)]);
    for (const role of agent.role ?? []) for (const each of role.coding ?? []) coding('agent-role', each);
    if (agent.network?.address !== undefined) add('address', [normalizeString(agent.network.address)]);
    add('policy', agent.policy ?? []);
  }
  for (const entity of event.entity ?? []) {
    add('entity', referenceValues(entity.what));
    collectPatient(entity.what);
    coding('entity-type', entity.type);
    coding('entity-role', entity.role);
    if (entity.name !== undefined) add('entity-name', [normalizeString(entity.name)]);
  }
  add(
    'patient',
    [...patients].flatMap((patient) => [patient, patient.slice(patient.indexOf('/'))]),
  );
  if (event.source?.site !== undefined) add('site', [`=${event.source.site}`]);
  const observer = event.source?.observer;
  add('source', referenceValues(observer));
  if (observer?.identifier?.value !== undefined) add('source', [`/${observer.identifier.value}`]);

  // One row per distinct (param, value): a search matches an event once.
  const seen = new Set<string>();
  return tokens.filter((token) => {
    const key = `${token.param}\u0000${token.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
