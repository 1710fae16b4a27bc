// THE authorization hook: every interaction on a resource (REST, each Bundle entry, history,
// conditional searches, $validate) passes through `authorize` before anything is read or written,
// and the resources it returns or writes pass `authorizeResource` (see guarded-resource-service.ts).
// The decision is @healthlane/access's: SMART scopes × role × patient compartment × break-glass.
// Refusal: 403 with an OperationOutcome, or 404 where the existence of a resource must not leak.
//
// For search (the search code calls these): `authorize(ctx, { kind: 'search-type', type })` before
// running a search, then `canSee(ctx, resource)` on EVERY resource it returns — matches, _include
// and _revinclude results, $everything — dropping those it answers false for (or constraining the
// query to `compartmentPatients(ctx)` when that is defined, and still filtering with canSee).
import {
  type Decision,
  decideResource,
  decideType,
  type Permission,
  type Principal,
  roleReach,
} from '@healthlane/access';
import { type Clock, Problem } from '@healthlane/kit';
import type { RequestContext } from './resource-service.ts';

export type InteractionKind =
  | 'read'
  | 'vread'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'history-system'
  | 'search-type'
  | 'validate';

export interface Interaction {
  kind: InteractionKind;
  /** Resource type, absent for system-level interactions. */
  type?: string;
  id?: string;
  /**
   * The resource concerned, when known before the decision (a compartment check needs its
   * references): the incoming one on create/update/$validate, the stored version on patch.
   */
  resource?: unknown;
}

/** Decides whether `ctx` may perform `interaction`; throws Problem.forbidden (or unauthorized) when not. */
export type Authorize = (ctx: RequestContext, interaction: Interaction) => void;

/** The SMART permission each interaction needs. */
export function permissionFor(interaction: Pick<Interaction, 'kind' | 'id'>): Permission {
  switch (interaction.kind) {
    case 'read':
    case 'vread':
    case 'history-instance':
      return 'r';
    case 'create':
      return 'c';
    case 'update':
    case 'patch':
      return 'u';
    case 'delete':
      return 'd';
    case 'validate':
      return interaction.id === undefined ? 'c' : 'u';
    default:
      return 's';
  }
}

/** The principal of a request context, if any (the routes put the verified one there). */
export function principalIn(ctx: RequestContext): Principal | undefined {
  return ctx.principal as Principal | undefined;
}

/**
 * The platform acting for itself (demo data load, the guard's own look-ups): a system principal
 * with every permission. Never derived from a request.
 */
export const platformPrincipal: Principal = {
  subject: 'healthlane-platform',
  clientId: 'healthlane-platform',
  kind: 'system',
  roles: ['integration'],
  scopes: [{ context: 'system', type: '*', permissions: new Set(['c', 'r', 'u', 'd', 's']) }],
  careTeamPatients: new Set(),
  breakGlass: [],
  tokenId: '',
  issuedAt: new Date(0),
  expiresAt: new Date(8_640_000_000_000_000),
};

export interface AuthorizeOptions {
  /** HEALTHLANE_AUTH: when false, a request without a principal is allowed (dev/test open mode). */
  enabled: boolean;
  clock: Clock;
  /** Called for each resource reached only through a break-glass grant (audit it as emergency access). */
  onEmergencyAccess?: (principal: Principal, type: string) => void;
}

function refuse(decision: Extract<Decision, { allowed: false }>): Problem {
  if (decision.hide) return Problem.notFound('The resource was not found');
  return Problem.forbidden(
    decision.reason === 'compartment'
      ? 'The resource is outside the patients this token may reach'
      : 'The token does not allow this interaction',
  );
}

const writeKinds = new Set<InteractionKind>(['create', 'update', 'patch', 'delete', 'validate']);

export function createAuthorize(options: AuthorizeOptions): Authorize {
  return (ctx, interaction) => {
    const principal = principalIn(ctx);
    if (principal === undefined) {
      if (!options.enabled) return;
      throw Problem.unauthorized('An access token is required', {
        headers: { 'www-authenticate': 'Bearer realm="healthlane"' },
      });
    }
    const permission = permissionFor(interaction);
    const type = interaction.type ?? '*';
    // Instance decisions where the resource is known and its compartment matters (writes); reads
    // are decided on the stored resource after it is loaded (authorizeResource).
    const decision =
      interaction.resource !== undefined && writeKinds.has(interaction.kind)
        ? decideResource(principal, { type, permission, resource: interaction.resource }, options.clock.now())
        : decideType(principal, type, permission);
    if (!decision.allowed) throw refuse(decision);
    if (decision.emergency) options.onEmergencyAccess?.(principal, type);
  };
}

/** Instance-level decision on a resource read or written; throws 404 (reads) or 403 (writes). */
export function authorizeResource(
  ctx: RequestContext,
  kind: InteractionKind,
  type: string,
  resource: unknown,
  options: AuthorizeOptions,
): void {
  const principal = principalIn(ctx);
  if (principal === undefined) {
    if (!options.enabled) return;
    throw Problem.unauthorized('An access token is required');
  }
  const decision = decideResource(
    principal,
    { type, permission: permissionFor({ kind }), resource },
    options.clock.now(),
  );
  if (!decision.allowed) throw refuse(decision);
  if (decision.emergency) options.onEmergencyAccess?.(principal, type);
}

/** Whether a search/_include/_revinclude/$everything/history result may be shown to `ctx`. */
export function canSee(
  ctx: RequestContext,
  type: string,
  resource: unknown,
  options: AuthorizeOptions,
): boolean {
  const principal = principalIn(ctx);
  if (principal === undefined) return !options.enabled;
  return decideResource(principal, { type, permission: 's', resource }, options.clock.now()).allowed;
}

/**
 * Whether results need per-resource filtering for this principal: false for system clients and
 * roles that reach every patient (their type-level decision is final), true otherwise.
 */
export function needsCompartmentFilter(ctx: RequestContext): boolean {
  const principal = principalIn(ctx);
  if (principal === undefined || principal.kind === 'system') return false;
  return !principal.roles.some((role) => roleReach(role) === 'all') || principal.patient !== undefined;
}

/**
 * Open development mode, for tests that host records alone: permits everything. The platform uses
 * createAuthorize (deny by default) with HEALTHLANE_AUTH deciding whether a token is required.
 */
export const authorize: Authorize = () => {};
