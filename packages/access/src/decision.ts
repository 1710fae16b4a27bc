// THE access decision: SMART scopes × role × patient compartment (× break-glass), deny by default.
// Services call it twice where they must: before touching storage (`decideType`: may this principal
// ever do this to this type?) and once the resource is known (`decideResource`: this instance).
import { isCompartmentType, patientsOf } from './compartment.ts';
import type { Principal } from './principal.ts';
import { type Role, roleAllows, roleReach } from './roles.ts';
import { type Permission, scopesAllow, scopesAllowResource, scopesMayAllow } from './scopes.ts';

export type Decision =
  | {
      allowed: true /** Allowed only through an open break-glass grant (audit it as emergency access). */;
      emergency: boolean;
    }
  | {
      allowed: false;
      /** Answer 404 rather than 403: the resource's existence must not leak. */
      hide: boolean;
      /** Why, for logs and audit (no identifiers). */
      reason: 'scope' | 'role' | 'compartment';
    };

const allow: Decision = { allowed: true, emergency: false };
const denied = (reason: 'scope' | 'role' | 'compartment', hide = false): Decision => ({
  allowed: false,
  hide,
  reason,
});

/** The patients a user principal reaches, or 'all'. `emergency` lists those reached only by break-glass. */
interface Reach {
  all: boolean;
  patients: Set<string>;
  emergency: Set<string>;
}

function reachOf(principal: Principal, role: Role, now: Date): Reach {
  const reach: Reach = { all: false, patients: new Set(), emergency: new Set() };
  switch (roleReach(role)) {
    case 'all':
      reach.all = true;
      break;
    case 'own':
      if (principal.patient !== undefined) reach.patients.add(principal.patient);
      break;
    case 'care-team':
      for (const patient of principal.careTeamPatients) reach.patients.add(patient);
      for (const grant of principal.breakGlass) {
        if (grant.expiresAt > now && !reach.patients.has(grant.patient)) reach.emergency.add(grant.patient);
      }
      break;
    case 'none':
      break;
  }
  return reach;
}

/** The part of `reach` that is the launch patient. */
function narrowTo(reach: Reach, patient: string): Reach {
  const narrowed: Reach = { all: false, patients: new Set(), emergency: new Set() };
  if (reach.all || reach.patients.has(patient)) narrowed.patients.add(patient);
  else if (reach.emergency.has(patient)) narrowed.emergency.add(patient);
  return narrowed;
}

/**
 * Type-level decision, before anything is read: the token's scopes and the user's roles must allow
 * `permission` on `type`. Patient-context and compartment limits are applied per resource later
 * (decideResource) or by constraining a search to the compartment (search code).
 */
export function decideType(principal: Principal, type: string, permission: Permission): Decision {
  if (principal.kind === 'system') {
    return scopesAllow(principal.scopes, 'system', type, permission) ? allow : denied('scope');
  }
  // A granular patient/ scope allows the type here; which resources it reaches is decided per
  // resource (a patient-context token's results are always filtered resource by resource).
  // Granular user/ and system/ scopes grant nothing: their results are not always filtered.
  const patientScope =
    principal.patient !== undefined && scopesMayAllow(principal.scopes, 'patient', type, permission);
  if (!patientScope && !scopesAllow(principal.scopes, 'user', type, permission)) return denied('scope');
  return principal.roles.some((role) => roleAllows(role, type, permission)) ? allow : denied('role');
}

/** Whether the type was allowed only through a granular patient/ scope (so the resource missed its query). */
function typeDecisionByGranularOnly(principal: Principal, access: ResourceAccess): boolean {
  return (
    principal.patient !== undefined &&
    scopesMayAllow(principal.scopes, 'patient', access.type, access.permission) &&
    !scopesAllow(principal.scopes, 'patient', access.type, access.permission)
  );
}

export interface ResourceAccess {
  type: string;
  permission: Permission;
  /** The resource (stored version for reads, incoming for writes). */
  resource: unknown;
}

/**
 * Instance-level decision. Reads of a resource outside the principal's reach are hidden (404);
 * writes outside it are refused (403). A write must concern only reachable patients.
 */
export function decideResource(principal: Principal, access: ResourceAccess, now: Date): Decision {
  const typeDecision = decideType(principal, access.type, access.permission);
  if (!typeDecision.allowed) return typeDecision;
  if (principal.kind === 'system') return allow;
  const isRead = access.permission === 'r' || access.permission === 's';
  const inCompartment = isCompartmentType(access.type);
  const patients = patientsOf(access.resource);
  const refuse = denied('compartment', isRead);

  const within = (reach: Reach): Decision | undefined => {
    if (reach.all) return allow;
    // A new Patient is in nobody's compartment yet: registering one needs only the role's 'c'.
    if (access.type === 'Patient' && access.permission === 'c') return allow;
    if (!inCompartment) return isRead ? allow : undefined;
    if (patients.size === 0) return undefined;
    const reachable = [...patients].filter((id) => reach.patients.has(id) || reach.emergency.has(id));
    const ok = isRead ? reachable.length > 0 : reachable.length === patients.size;
    if (!ok) return undefined;
    const emergency = reachable.every((id) => !reach.patients.has(id));
    return emergency ? { allowed: true, emergency: true } : allow;
  };

  // For each role that allows the operation: the user's reach, narrowed to the launch patient when
  // the grant comes from a patient/ scope (SMART: patient scopes never reach beyond the user's rights).
  const patientScope =
    principal.patient !== undefined &&
    scopesAllowResource(principal.scopes, 'patient', access.type, access.permission, access.resource);
  const userScope = scopesAllow(principal.scopes, 'user', access.type, access.permission);
  // Only a granular scope the resource does not satisfy: hidden from reads, refused for writes.
  if (!patientScope && !userScope)
    return typeDecisionByGranularOnly(principal, access) ? denied('scope', isRead) : refuse;
  let best: Decision | undefined;
  for (const role of principal.roles) {
    if (!roleAllows(role, access.type, access.permission)) continue;
    const reach = reachOf(principal, role, now);
    const candidates: Reach[] = [];
    if (userScope) candidates.push(reach);
    if (patientScope) candidates.push(narrowTo(reach, principal.patient!));
    for (const candidate of candidates) {
      const decision = within(candidate);
      if (decision?.allowed && !decision.emergency) return decision;
      best ??= decision;
    }
  }
  return best ?? refuse;
}
