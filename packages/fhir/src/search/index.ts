// @healthlane/fhir search: the R4 search-parameter registry, index extraction over FHIRPath, value
// normalizations, and the Patient compartment.
export { patientCompartment } from './compartment.ts';
export { type DateRange, dateRange, periodRange } from './date-range.ts';
export { type CompositeValue, type ExtractedParam, extractSearchValues } from './extract.ts';
export type { IndexValue } from './index-values.ts';
export { type DecimalRange, decimalRange, normalizeString } from './normalize.ts';
export {
  type SearchComponent,
  type SearchParamDefinition,
  type SearchParamType,
  type SearchPath,
  searchParameter,
  searchParameters,
  splitUnion,
} from './registry.ts';
