// @healthlane/fhir: FHIR R4 definitions, validation and _summary/_elements views.
export { definitions, isResourceType, type R4Definitions, resourceTypes } from './definitions.ts';
export * from './search/index.ts';
export { selectElements, summarize } from './summary.ts';
export { type Expansion, expansionOf } from './terminology.ts';
export type {
  CodeSystem,
  CodeSystemConcept,
  Coding,
  FhirResource,
  Meta,
  SearchParameter,
  StructureDefinition,
  ValidationIssue,
  ValueSet,
} from './types.ts';
export { validateResource } from './validate.ts';
