// Who is asking: the verified access token's claims, turned into what the policy decides on.
import { isRole, type Role } from './roles.ts';
import { parseScopes, type ResourceScope } from './scopes.ts';

export interface BreakGlassGrant {
  /** The patient opened outside the user's normal reach. */
  patient: string;
  /** When the emergency access ends. */
  expiresAt: Date;
}

export interface Principal {
  /** `sub`: the user id, or the client id for a backend service. */
  subject: string;
  clientId: string;
  kind: 'user' | 'system';
  roles: Role[];
  scopes: ResourceScope[];
  /** Launch context (SMART): the patient in context, and the patient a patient-user is linked to. */
  patient?: string;
  encounter?: string;
  /** Patients of the user's care teams (their normal reach for the `care-team` roles). */
  careTeamPatients: ReadonlySet<string>;
  breakGlass: BreakGlassGrant[];
  /** Token id and times, for revocation checks and audit. */
  tokenId: string;
  issuedAt: Date;
  expiresAt: Date;
}

/** Claim names HealthLane adds to its access tokens (beside the registered JWT claims). */
export const claimNames = {
  roles: 'roles',
  patient: 'patient',
  encounter: 'encounter',
  careTeamPatients: 'hl_care_patients',
  breakGlass: 'hl_break_glass',
  kind: 'hl_kind',
} as const;

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/** Builds the principal from verified claims; unknown roles and malformed claims are dropped. */
export function principalFromClaims(claims: Record<string, unknown>): Principal {
  const subject = typeof claims.sub === 'string' ? claims.sub : '';
  const clientId =
    typeof claims.client_id === 'string'
      ? claims.client_id
      : typeof claims.azp === 'string'
        ? claims.azp
        : '';
  const scope = typeof claims.scope === 'string' ? claims.scope : '';
  const breakGlass: BreakGlassGrant[] = [];
  for (const item of Array.isArray(claims[claimNames.breakGlass])
    ? (claims[claimNames.breakGlass] as unknown[])
    : []) {
    const grant = item as { patient?: unknown; exp?: unknown };
    if (typeof grant?.patient === 'string' && typeof grant.exp === 'number') {
      breakGlass.push({ patient: grant.patient, expiresAt: new Date(grant.exp * 1000) });
    }
  }
  const patient = claims[claimNames.patient];
  const encounter = claims[claimNames.encounter];
  return {
    subject,
    clientId,
    kind: claims[claimNames.kind] === 'system' ? 'system' : 'user',
    roles: strings(claims[claimNames.roles]).filter(isRole),
    scopes: parseScopes(scope).resources,
    ...(typeof patient === 'string' ? { patient } : {}),
    ...(typeof encounter === 'string' ? { encounter } : {}),
    careTeamPatients: new Set(strings(claims[claimNames.careTeamPatients])),
    breakGlass,
    tokenId: typeof claims.jti === 'string' ? claims.jti : '',
    issuedAt: new Date((typeof claims.iat === 'number' ? claims.iat : 0) * 1000),
    expiresAt: new Date((typeof claims.exp === 'number' ? claims.exp : 0) * 1000),
  };
}
