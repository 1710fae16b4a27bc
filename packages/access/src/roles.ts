// Roles → what a user holding them may do, before scopes and the patient compartment narrow it.
// A user-context token is allowed an operation only if one of the user's roles allows it AND one of
// the token's `user/` scopes does (SMART: scopes never widen what the user may do).
import type { Permission } from './scopes.ts';

export const roles = [
  'clinician',
  'nurse',
  'admin',
  'privacy-officer',
  'billing',
  'integration',
  'patient',
] as const;
export type Role = (typeof roles)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value);
}

/**
 * How a role reaches patient data: `all` (any patient), `care-team` (patients of the user's care
 * teams, widened by break-glass), `own` (the linked Patient's compartment), `none` (no patient data).
 */
export type PatientReach = 'all' | 'care-team' | 'own' | 'none';

interface RoleRule {
  reach: PatientReach;
  /** Resource type (or '*') → permissions. */
  grants: Readonly<Record<string, string>>;
  /** May open break-glass access to a patient outside their reach. */
  breakGlass: boolean;
}

/** Resource types about the organisation rather than a patient. */
export const directoryTypes: readonly string[] = [
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Location',
  'HealthcareService',
  'Endpoint',
  'Device',
  'Medication',
  'Substance',
  'CapabilityStatement',
];
const directory = Object.fromEntries(directoryTypes.map((type) => [type, 'rs']));
const financial = [
  'Account',
  'ChargeItem',
  'Claim',
  'ClaimResponse',
  'Coverage',
  'CoverageEligibilityRequest',
  'CoverageEligibilityResponse',
  'ExplanationOfBenefit',
  'Invoice',
  'PaymentNotice',
  'PaymentReconciliation',
];
const clinicalRead = [
  'Patient',
  'Encounter',
  'Condition',
  'Observation',
  'Procedure',
  'MedicationRequest',
  'MedicationAdministration',
  'MedicationStatement',
  'AllergyIntolerance',
  'Immunization',
  'DiagnosticReport',
  'CarePlan',
  'CareTeam',
  'Goal',
  'DocumentReference',
  'ServiceRequest',
  'Flag',
  'RiskAssessment',
];

const rules: Readonly<Record<Role, RoleRule>> = {
  // Everything clinical except the audit trail; writes included.
  clinician: { reach: 'care-team', grants: { '*': 'cruds', AuditEvent: '' }, breakGlass: true },
  // Reads the chart; records observations, administrations and notes; deletes nothing.
  nurse: {
    reach: 'care-team',
    grants: {
      ...directory,
      ...Object.fromEntries(clinicalRead.map((type) => [type, 'rs'])),
      Observation: 'crus',
      MedicationAdministration: 'crus',
      Flag: 'crus',
      DocumentReference: 'crus',
      Communication: 'crus',
    },
    breakGlass: true,
  },
  // Runs the platform: the directory, not patient data.
  admin: {
    reach: 'none',
    grants: {
      ...directory,
      Organization: 'cruds',
      Practitioner: 'cruds',
      PractitionerRole: 'cruds',
      Location: 'cruds',
      HealthcareService: 'cruds',
      Endpoint: 'cruds',
      Device: 'cruds',
    },
    breakGlass: false,
  },
  // Reads the audit trail and the patients it concerns; manages consents.
  'privacy-officer': {
    reach: 'all',
    grants: { AuditEvent: 'rs', Patient: 'rs', Consent: 'cruds', Provenance: 'rs' },
    breakGlass: false,
  },
  billing: {
    reach: 'all',
    grants: {
      ...directory,
      ...Object.fromEntries(financial.map((type) => [type, 'cruds'])),
      Patient: 'rs',
      Encounter: 'rs',
      Procedure: 'rs',
      Condition: 'rs',
    },
    breakGlass: false,
  },
  // Interface engines acting for the organisation (HL7 v2 bridge, imports): every clinical type.
  integration: { reach: 'all', grants: { '*': 'cruds', AuditEvent: '' }, breakGlass: false },
  // A patient (or their proxy) using an app: their own record, read and search; answers questionnaires.
  patient: {
    reach: 'own',
    grants: { '*': 'rs', AuditEvent: '', QuestionnaireResponse: 'crus', Communication: 'crs' },
    breakGlass: false,
  },
};

/** Whether `role` allows `permission` on `type` (a type's own entry overrides the '*' entry). */
export function roleAllows(role: Role, type: string, permission: Permission): boolean {
  const grants = rules[role].grants;
  const letters = grants[type] ?? grants['*'] ?? '';
  return letters.includes(permission);
}

export function roleReach(role: Role): PatientReach {
  return rules[role].reach;
}

export function roleMayBreakGlass(role: Role): boolean {
  return rules[role].breakGlass;
}
