// @healthlane/access: the platform's one access policy (SMART scopes × roles × patient compartment
// × break-glass) and the access-token verifier every entry point uses.
export {
  type AccessConfig,
  accessConfigFields,
  accessConfigFrom,
  accessConfigSchema,
} from './access-config.ts';
export { isCompartmentType, patientCompartmentTypes, patientsOf } from './compartment.ts';
export { type Decision, decideResource, decideType, type ResourceAccess } from './decision.ts';
export {
  type CodeToken,
  formatScopeQuery,
  parseScopeQuery,
  resourceMatches,
  type ScopeCondition,
} from './granular-scopes.ts';
export { createPlatformVerifier, jwksPath, type PlatformVerifier } from './platform-verifier.ts';
export { type BreakGlassGrant, claimNames, type Principal, principalFromClaims } from './principal.ts';
export { authenticateRequest, principalOf } from './request-principal.ts';
export {
  type AccessState,
  accessEvents,
  applyRevocationList,
  type BreakGlassOpenedEvent,
  createAccessState,
  followAccessEvents,
  type RevocationList,
  revocationsPath,
  type SubjectRevokedEvent,
  subjectDigest,
} from './revocations.ts';
export {
  directoryTypes,
  isRole,
  type PatientReach,
  type Role,
  roleAllows,
  roleMayBreakGlass,
  roleReach,
  roles,
} from './roles.ts';
export {
  formatScope,
  type ParsedScopes,
  type Permission,
  parseResourceScope,
  parseScopes,
  type ResourceScope,
  type ScopeContext,
  scopesAllow,
  scopesAllowResource,
  scopesMayAllow,
  scopeWithin,
} from './scopes.ts';
export {
  allowedAlgorithms,
  createTokenVerifier,
  type TokenVerifier,
  type VerifierOptions,
  type VerifyResult,
} from './verifier.ts';
