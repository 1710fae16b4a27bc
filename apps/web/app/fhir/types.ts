// The slices of FHIR R4 resources the console reads; everything else in a resource is ignored.

export interface Coding {
  system?: string;
  code?: string;
  display?: string;
}
export interface CodeableConcept {
  coding?: Coding[];
  text?: string;
}
export interface Reference {
  reference?: string;
  display?: string;
}
export interface Period {
  start?: string;
  end?: string;
}
export interface Quantity {
  value?: number;
  unit?: string;
  code?: string;
}
export interface HumanName {
  use?: string;
  text?: string;
  family?: string;
  given?: string[];
  prefix?: string[];
}
export interface Identifier {
  system?: string;
  value?: string;
  type?: CodeableConcept;
}

export interface Resource {
  resourceType: string;
  id?: string;
  meta?: { lastUpdated?: string; versionId?: string };
}

export interface Patient extends Resource {
  resourceType: 'Patient';
  name?: HumanName[];
  gender?: string;
  birthDate?: string;
  deceasedBoolean?: boolean;
  deceasedDateTime?: string;
  identifier?: Identifier[];
  telecom?: Array<{ system?: string; value?: string; use?: string }>;
  address?: Array<{ line?: string[]; city?: string; state?: string; postalCode?: string; country?: string }>;
  communication?: Array<{ language?: CodeableConcept }>;
}

export interface Encounter extends Resource {
  resourceType: 'Encounter';
  status?: string;
  class?: Coding;
  type?: CodeableConcept[];
  period?: Period;
  reasonCode?: CodeableConcept[];
  serviceProvider?: Reference;
}

export interface Condition extends Resource {
  resourceType: 'Condition';
  code?: CodeableConcept;
  clinicalStatus?: CodeableConcept;
  verificationStatus?: CodeableConcept;
  onsetDateTime?: string;
  abatementDateTime?: string;
  recordedDate?: string;
}

export interface MedicationRequest extends Resource {
  resourceType: 'MedicationRequest';
  status?: string;
  intent?: string;
  medicationCodeableConcept?: CodeableConcept;
  medicationReference?: Reference;
  authoredOn?: string;
  dosageInstruction?: Array<{ text?: string }>;
}

export interface AllergyIntolerance extends Resource {
  resourceType: 'AllergyIntolerance';
  code?: CodeableConcept;
  clinicalStatus?: CodeableConcept;
  criticality?: string;
  category?: string[];
  recordedDate?: string;
  reaction?: Array<{ manifestation?: CodeableConcept[]; severity?: string }>;
}

export interface Observation extends Resource {
  resourceType: 'Observation';
  status?: string;
  category?: CodeableConcept[];
  code?: CodeableConcept;
  effectiveDateTime?: string;
  effectivePeriod?: Period;
  issued?: string;
  valueQuantity?: Quantity;
  valueCodeableConcept?: CodeableConcept;
  valueString?: string;
  component?: Array<{ code?: CodeableConcept; valueQuantity?: Quantity }>;
}

export interface AuditEvent extends Resource {
  resourceType: 'AuditEvent';
  type?: Coding;
  subtype?: Coding[];
  action?: string;
  recorded?: string;
  outcome?: string;
  outcomeDesc?: string;
  purposeOfEvent?: CodeableConcept[];
  agent?: Array<{
    who?: Reference & { identifier?: Identifier };
    name?: string;
    requestor?: boolean;
    role?: CodeableConcept[];
    type?: CodeableConcept;
    network?: { address?: string };
  }>;
  entity?: Array<{ what?: Reference; type?: Coding; role?: Coding }>;
}

export interface Bundle<T extends Resource = Resource> {
  resourceType: 'Bundle';
  type?: string;
  total?: number;
  link?: Array<{ relation: string; url: string }>;
  entry?: Array<{ resource?: T; search?: { mode?: string } }>;
}
