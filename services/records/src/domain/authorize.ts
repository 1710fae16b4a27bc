// THE authorization hook: every interaction on a resource (REST, each Bundle entry, history,
// conditional searches, $validate) passes through `authorize` before anything is read or written.
// Today it permits everything — the platform's open development mode has no identity yet. The
// identity issue plugs SMART scopes × roles × patient compartment in HERE, and nowhere else.
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

/**
 * The platform's decision. Permits everything today: there is no principal to check yet (see the
 * file header). Tests substitute a recording or refusing one to prove every interaction reaches it.
 */
export const authorize: Authorize = () => {};
