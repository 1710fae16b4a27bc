// The one place the records service meets the FHIR model (@healthlane/fhir): validation, the
// resource type list and the _summary/_elements views.
export {
  type FhirResource,
  isResourceType,
  resourceTypes,
  selectElements,
  summarize,
  type ValidationIssue,
  validateResource,
} from '@healthlane/fhir';

export type SummaryMode = 'true' | 'text' | 'data' | 'false';
