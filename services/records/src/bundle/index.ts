// The bundle module's public face: the POST /fhir/R4 route, the processor behind it, and the
// shared-directory transform that the demo loader and `healthlane import` both apply.
export {
  type BundleOptions,
  type BundleReply,
  defaultMaxEntries,
  processBundle,
} from './bundle-processor.ts';
export { registerBundleRoute } from './bundle-route.ts';
export type { MatchResources } from './conditional-references.ts';
export type { AssignId } from './entry-execution.ts';
export { matchByCriteria } from './match-by-criteria.ts';
export type { ReturnPreference } from './response-bundle.ts';
export { identifierCriteria, shareDirectoryResources, sharedDirectoryTypes } from './shared-directory.ts';
