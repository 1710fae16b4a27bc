// THE access decision: SMART scopes × role × patient compartment (× break-glass), deny by default.
// Services call it twice where they must: before touching storage (`decideType`: may this principal
// ever do this to this type?) and once the resource is known (`decideResource`: this instance).
import { isCompartmentType, patientsOf } from './compartment.ts';
import type { Principal } from './principal.ts';
import { type Role, roleAllows, roleReach } from './roles.ts';
import { type Permission, scopesAllow } from './scopes.ts';

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

/**
 * Type-level decision, before anything is read: the token's scopes and the user's roles must allow
 * `permission` on `type`. Patient-context and compartment limits are applied per resource later
 * (decideResource) or by constraining a search to the compartment (search code).
 */
export function decideType(principal: Principal, type: string, permission: Permission): Decision {
  if (principal.kind === 'system') {
    return scopesAllow(principal.scopes, 'system', type, permission) ? allow : denied('scope');
  }
  if (principal.patient !== undefined && scopesAllow(principal.scopes, 'patient', type, permission)) {
    // Patient-context scopes: reads of types outside the compartment (Medication, Organization) are
    // allowed by the scope; writes must stay in the compartment (checked per resource).
    return allow;
  }
  if (!scopesAllow(principal.scopes, 'user', type, permission)) return denied('scope');
  return principal.roles.some((role) => roleAllows(role, type, permission)) ? allow : denied('role');
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

  // Patient-context scopes (SMART): the launch patient's compartment.
  if (
    principal.patient !== undefined &&
    scopesAllow(principal.scopes, 'patient', access.type, access.permission)
  ) {
    const fromPatientScope = within({
      all: false,
      patients: new Set([principal.patient]),
      emergency: new Set(),
    });
    if (fromPatientScope) return fromPatientScope;
  }
  if (!scopesAllow(principal.scopes, 'user', access.type, access.permission)) return refuse;
  let best: Decision | undefined;
  for (const role of principal.roles) {
    if (!roleAllows(role, access.type, access.permission)) continue;
    const decision = within(reachOf(principal, role, now));
    if (decision?.allowed && !decision.emergency) return decision;
    best ??= decision;
  }
  return best ?? refuse;
}
