// The HealthLane claims added to every access token: roles, launch context (patient, encounter),
// the patients of the user's care teams, and open break-glass grants — read fresh at each issue,
// so a refreshed token carries today's roles and grants.
import { claimNames } from '@healthlane/access';
import type { Database } from '@healthlane/store';
import { openBreakGlass } from './store/break-glass-store.ts';
import { findGrantContext } from './store/launch-contexts.ts';
import { careTeamPatients, findUser } from './store/users.ts';

export interface TokenLike {
  accountId?: string;
  grantId?: string;
  clientId?: string;
  kind?: string;
}

export interface ClientLike {
  clientId: string;
  /** HealthLane roles a backend client acts with (client metadata `hl_roles`). */
  roles: string[];
}

export async function accessTokenClaims(
  db: Database,
  token: TokenLike,
  client: ClientLike | undefined,
  now: Date,
): Promise<Record<string, unknown>> {
  if (token.accountId === undefined) {
    return { [claimNames.kind]: 'system', [claimNames.roles]: client?.roles ?? [] };
  }
  const user = await findUser(db, token.accountId);
  // A disabled or removed user gets a token that grants nothing (revocation also stops it).
  if (user === undefined || user.disabled) return { [claimNames.kind]: 'user', [claimNames.roles]: [] };
  const context = token.grantId === undefined ? {} : await findGrantContext(db, token.grantId);
  const patient = user.roles.includes('patient') ? (user.patientId ?? undefined) : context.patient;
  const claims: Record<string, unknown> = {
    [claimNames.kind]: 'user',
    [claimNames.roles]: user.roles,
    fhirUser:
      user.patientId !== null && user.roles.includes('patient')
        ? `Patient/${user.patientId}`
        : `Practitioner/${user.id}`,
  };
  if (patient !== undefined) claims[claimNames.patient] = patient;
  if (context.encounter !== undefined) claims[claimNames.encounter] = context.encounter;
  if (user.roles.some((role) => role === 'clinician' || role === 'nurse')) {
    claims[claimNames.careTeamPatients] = await careTeamPatients(db, user.id);
    const grants = await openBreakGlass(db, user.id, now);
    if (grants.length > 0) {
      claims[claimNames.breakGlass] = grants.map((grant) => ({
        patient: grant.patientId,
        exp: Math.floor(grant.expiresAt.getTime() / 1000),
      }));
    }
  }
  return claims;
}
