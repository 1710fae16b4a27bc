// The public FHIR shapes and the validation issue type shared by every module of this package.

export interface Coding {
  system?: string;
  version?: string;
  code?: string;
  display?: string;
  userSelected?: boolean;
}

export interface Meta {
  versionId?: string;
  lastUpdated?: string;
  source?: string;
  profile?: string[];
  security?: Coding[];
  tag?: Coding[];
}

export type FhirResource = { resourceType: string; id?: string; meta?: Meta; [key: string]: unknown };

export interface ValidationIssue {
  severity: 'fatal' | 'error' | 'warning' | 'information';
  /** FHIR IssueType code: 'structure' | 'required' | 'value' | 'invariant' | 'code-invalid' | 'invalid' | ... */
  code: string;
  /** Says what is wrong and why; never echoes the offending value (it may be patient data). */
  diagnostics: string;
  /** FHIRPath location(s), e.g. ['Patient.name[0].given[1]']. */
  expression: string[];
}

/** The parts of the R4 conformance resources this package reads; everything else stays `unknown`. */
export interface ElementDefinition {
  id?: string;
  path: string;
  min?: number;
  max?: string;
  base?: { path: string; min: number; max: string };
  contentReference?: string;
  type?: { code: string; targetProfile?: string[]; extension?: { url: string; valueUrl?: string }[] }[];
  constraint?: { key: string; severity: 'error' | 'warning'; human: string; expression?: string }[];
  binding?: { strength: string; valueSet?: string };
  isSummary?: boolean;
  isModifier?: boolean;
  [key: string]: unknown;
}

export interface StructureDefinition {
  resourceType: 'StructureDefinition';
  id: string;
  url: string;
  name: string;
  kind: 'primitive-type' | 'complex-type' | 'resource' | 'logical';
  abstract: boolean;
  type: string;
  baseDefinition?: string;
  derivation?: 'specialization' | 'constraint';
  snapshot: { element: ElementDefinition[] };
  [key: string]: unknown;
}

export interface CodeSystemConcept {
  code: string;
  display?: string;
  concept?: CodeSystemConcept[];
  [key: string]: unknown;
}

export interface CodeSystem {
  resourceType: 'CodeSystem';
  url: string;
  content?: string;
  caseSensitive?: boolean;
  concept?: CodeSystemConcept[];
  [key: string]: unknown;
}

export interface ValueSetInclude {
  system?: string;
  concept?: { code: string }[];
  filter?: { property: string; op: string; value: string }[];
  valueSet?: string[];
}

export interface ValueSet {
  resourceType: 'ValueSet';
  url: string;
  compose?: { include: ValueSetInclude[]; exclude?: ValueSetInclude[] };
  expansion?: { contains?: { system?: string; code?: string; contains?: unknown[] }[] };
  [key: string]: unknown;
}

export interface SearchParameter {
  resourceType: 'SearchParameter';
  url: string;
  code: string;
  base: string[];
  type: string;
  expression?: string;
  [key: string]: unknown;
}
