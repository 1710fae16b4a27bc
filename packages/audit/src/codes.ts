// The code systems IHE BALP uses for FHIR R4 AuditEvents, and how each audited interaction maps to
// the event's type, subtype and action. One table, so producers cannot drift apart.

export const system = {
  auditEventType: 'http://terminology.hl7.org/CodeSystem/audit-event-type',
  restfulInteraction: 'http://hl7.org/fhir/restful-interaction',
  dicom: 'http://dicom.nema.org/resources/ontology/DCM',
  entityType: 'http://terminology.hl7.org/CodeSystem/audit-entity-type',
  objectRole: 'http://terminology.hl7.org/CodeSystem/object-role',
  participationType: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType',
  actReason: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  sourceType: 'http://terminology.hl7.org/CodeSystem/security-source-type',
  networkType: 'http://hl7.org/fhir/network-type',
  iheEventType: 'urn:ihe:event-type-code',
  /** HealthLane's own: platform roles, services, operations without a standard code. */
  role: 'https://healthlane.dev/fhir/CodeSystem/role',
  service: 'urn:healthlane:service',
  operation: 'https://healthlane.dev/fhir/CodeSystem/operation',
} as const;

export interface Coding {
  system?: string;
  code: string;
  display?: string;
}

/**
 * Every interaction HealthLane audits. `export` is bulk `$export`; `break-glass` opens emergency
 * access; `token` is a refused token request; `user-create`/`user-change` are user administration.
 */
export type AuditInteraction =
  | 'read'
  | 'vread'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'search-type'
  | 'search-system'
  | 'history-instance'
  | 'history-type'
  | 'history-system'
  | 'transaction'
  | 'batch'
  | 'capabilities'
  | 'validate'
  | 'export'
  | 'operation'
  | 'login'
  | 'logout'
  | 'break-glass'
  | 'token'
  | 'user-create'
  | 'user-change';

/** AuditEvent.action: Create, Read, Update, Delete, Execute. */
export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

interface InteractionCodes {
  type: Coding;
  subtype: Coding[];
  action: AuditAction;
}

const rest: Coding = { system: system.auditEventType, code: 'rest', display: 'RESTful Operation' };
const userAuthentication: Coding = { system: system.dicom, code: '110114', display: 'User Authentication' };
const securityAlert: Coding = { system: system.dicom, code: '110113', display: 'Security Alert' };
const userSecurityChanged: Coding[] = [
  { system: system.dicom, code: '110137', display: 'User security Attributes Changed' },
];

function restful(code: string, display: string): Coding[] {
  return [{ system: system.restfulInteraction, code, display }];
}

/** BALP: reads are R, searches and operations E, writes C/U/D; login and logout are E. */
export const interactionCodes: Record<AuditInteraction, InteractionCodes> = {
  read: { type: rest, subtype: restful('read', 'read'), action: 'R' },
  vread: { type: rest, subtype: restful('vread', 'vread'), action: 'R' },
  create: { type: rest, subtype: restful('create', 'create'), action: 'C' },
  update: { type: rest, subtype: restful('update', 'update'), action: 'U' },
  patch: { type: rest, subtype: restful('patch', 'patch'), action: 'U' },
  delete: { type: rest, subtype: restful('delete', 'delete'), action: 'D' },
  'search-type': { type: rest, subtype: restful('search-type', 'search type'), action: 'E' },
  'search-system': { type: rest, subtype: restful('search-system', 'search system'), action: 'E' },
  'history-instance': { type: rest, subtype: restful('history-instance', 'history instance'), action: 'R' },
  'history-type': { type: rest, subtype: restful('history-type', 'history type'), action: 'R' },
  'history-system': { type: rest, subtype: restful('history-system', 'history system'), action: 'R' },
  transaction: { type: rest, subtype: restful('transaction', 'transaction'), action: 'E' },
  batch: { type: rest, subtype: restful('batch', 'batch'), action: 'E' },
  capabilities: { type: rest, subtype: restful('capabilities', 'capabilities'), action: 'R' },
  validate: {
    type: rest,
    subtype: [
      ...restful('operation', 'operation'),
      { system: system.operation, code: 'validate', display: '$validate' },
    ],
    action: 'E',
  },
  export: {
    type: rest,
    subtype: [
      ...restful('operation', 'operation'),
      { system: system.operation, code: 'export', display: '$export' },
    ],
    action: 'E',
  },
  operation: { type: rest, subtype: restful('operation', 'operation'), action: 'E' },
  login: {
    type: userAuthentication,
    subtype: [{ system: system.dicom, code: '110122', display: 'Login' }],
    action: 'E',
  },
  logout: {
    type: userAuthentication,
    subtype: [{ system: system.dicom, code: '110123', display: 'Logout' }],
    action: 'E',
  },
  'break-glass': {
    type: securityAlert,
    subtype: [{ system: system.dicom, code: '110127', display: 'Emergency Override Started' }],
    action: 'E',
  },
  // IHE IUA ITI-71 Get Access Token: a token request the authorization server refused.
  token: {
    type: userAuthentication,
    subtype: [{ system: system.iheEventType, code: 'ITI-71', display: 'Get Access Token' }],
    action: 'E',
  },
  // ATNA: an administrator created a user or changed one's security attributes (password, disabled).
  'user-create': { type: securityAlert, subtype: userSecurityChanged, action: 'C' },
  'user-change': { type: securityAlert, subtype: userSecurityChanged, action: 'U' },
};

/** AuditEvent.outcome: 0 success, 4 minor failure (refused, bad request), 8 serious (server error), 12 major. */
export type AuditOutcome = '0' | '4' | '8' | '12';

/** The outcome an HTTP status means: 2xx/3xx success, 4xx minor failure (refusals included), 5xx serious. */
export function outcomeOfStatus(status: number): AuditOutcome {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

/** Purposes of use (v3-ActReason); ETREAT and BTG mark emergency and break-glass access. */
export type PurposeOfUse =
  | 'TREAT'
  | 'ETREAT'
  | 'BTG'
  | 'HPAYMT'
  | 'HOPERAT'
  | 'PATRQT'
  | 'HRESCH'
  | 'PUBHLTH';

export const purposeDisplay: Record<PurposeOfUse, string> = {
  TREAT: 'treatment',
  ETREAT: 'emergency treatment',
  BTG: 'break the glass',
  HPAYMT: 'healthcare payment',
  HOPERAT: 'healthcare operations',
  PATRQT: 'patient requested',
  HRESCH: 'healthcare research',
  PUBHLTH: 'public health',
};

export const agentType = {
  /** BALP: the client is the Source Role ID, the server the Destination Role ID (DICOM's convention). */
  client: { system: system.dicom, code: '110153', display: 'Source Role ID' },
  server: { system: system.dicom, code: '110152', display: 'Destination Role ID' },
  user: { system: system.participationType, code: 'IRCP', display: 'information recipient' },
} as const satisfies Record<string, Coding>;

export const entityCodes = {
  patient: {
    type: { system: system.entityType, code: '1', display: 'Person' },
    role: { system: system.objectRole, code: '1', display: 'Patient' },
  },
  resource: {
    type: { system: system.entityType, code: '2', display: 'System Object' },
    role: { system: system.objectRole, code: '4', display: 'Domain Resource' },
  },
  query: {
    type: { system: system.entityType, code: '2', display: 'System Object' },
    role: { system: system.objectRole, code: '24', display: 'Query' },
  },
  securityUser: {
    type: { system: system.entityType, code: '1', display: 'Person' },
    role: { system: system.objectRole, code: '11', display: 'Security User Entity' },
  },
} as const satisfies Record<string, { type: Coding; role: Coding }>;
