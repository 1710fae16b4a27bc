// The CapabilityStatement, generated from what the routes really register (their interaction codes)
// and what the service really does (conditional flags, the search parameters the index answers),
// never written by hand.
import { searchParameters } from '@healthlane/fhir';
import { modifiersByType } from '../search/modifiers.ts';

export type TypeInteraction =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'create'
  | 'search-type';
export type SystemInteraction = 'transaction' | 'batch' | 'search-system' | 'history-system';

export interface ImplementedFeatures {
  resourceTypes: readonly string[];
  typeInteractions: ReadonlySet<TypeInteraction>;
  systemInteractions: ReadonlySet<SystemInteraction>;
  /** Operation names on every type, e.g. 'validate'. */
  typeOperations: readonly string[];
  conditionalCreate: boolean;
  conditionalUpdate: boolean;
  conditionalDelete: 'not-supported' | 'single' | 'multiple';
  /** When the service started (the statement's date). */
  startedAt: Date;
}

const typeInteractionOrder: TypeInteraction[] = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
];
const systemInteractionOrder: SystemInteraction[] = [
  'transaction',
  'batch',
  'search-system',
  'history-system',
];

const operationDefinitions: Record<string, string> = {
  validate: 'http://hl7.org/fhir/OperationDefinition/Resource-validate',
};

/** Answered from the resource row rather than the definitions' FHIRPath. */
const rowParams = [
  {
    name: '_id',
    type: 'token',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-id',
    documentation: 'Modifiers: :missing, :not',
  },
  {
    name: '_lastUpdated',
    type: 'date',
    definition: 'http://hl7.org/fhir/SearchParameter/Resource-lastUpdated',
    documentation: 'Modifiers: :missing',
  },
];

/** Parameters without an R4 expression that are answered: text search (`_text` only where the type has a narrative), `_filter`, `_list`. */
function specialParams(
  type: string,
): { name: string; type: string; definition?: string; documentation: string }[] {
  const params: { name: string; type: string; definition?: string; documentation: string }[] = [
    {
      name: '_content',
      type: 'string',
      definition: 'http://hl7.org/fhir/SearchParameter/Resource-content',
      documentation:
        'Full-text search (PostgreSQL, English stemming) over every string of the resource; no modifiers',
    },
  ];
  if (searchParameters(type).has('_text')) {
    params.push({
      name: '_text',
      type: 'string',
      definition: 'http://hl7.org/fhir/SearchParameter/DomainResource-text',
      documentation:
        'Full-text search (PostgreSQL, English stemming) over the narrative without tags; no modifiers',
    });
  }
  // R4 defines _filter and _list in the search page only (no SearchParameter resource, so no definition).
  params.push({
    name: '_filter',
    type: 'special',
    documentation:
      'param op value joined with and/or, not (...), parentheses, chained params; eq ne gt lt ge le sa eb ap (dates, numbers, quantities), eq ne in ni sb ss (tokens), eq sw co (strings), eq sb ss (uris), eq (references), pr; no [path filters], ew, re, po',
  });
  params.push({
    name: '_list',
    type: 'special',
    documentation: 'The id of a List: the resources its entries hold; no modifiers',
  });
  return params;
}

/** The modifiers parsing accepts for a parameter type, as the searchParam's documentation. */
function modifierDocumentation(type: string): string {
  const modifiers = (modifiersByType[type] ?? []).map((modifier) => `:${modifier}`);
  if (type === 'reference') modifiers.push(':[Type]');
  return `Modifiers: ${modifiers.join(', ')}`;
}

const everything = {
  name: 'everything',
  definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
};

/** Every R4 search parameter of the type that the search index answers (those with an expression). */
function searchParamsOf(type: string): { name: string; type: string; definition?: string }[] {
  const params = [...searchParameters(type).values()]
    .filter(
      (def) =>
        def.paths.length > 0 && def.type !== 'special' && def.code !== '_id' && def.code !== '_lastUpdated',
    )
    .map((def) => ({
      name: def.code,
      type: def.type,
      definition: def.url,
      documentation: modifierDocumentation(def.type),
    }));
  return [...rowParams, ...specialParams(type), ...params];
}

export function capabilityStatement(baseUrl: string, features: ImplementedFeatures): Record<string, unknown> {
  const interactions = typeInteractionOrder
    .filter((code) => features.typeInteractions.has(code))
    .map((code) => ({ code }));
  const operations = features.typeOperations.map((name) => ({
    name,
    definition: operationDefinitions[name] ?? `${baseUrl}/OperationDefinition/${name}`,
  }));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: features.startedAt.toISOString(),
    kind: 'instance',
    software: { name: 'HealthLane records' },
    implementation: { description: 'HealthLane FHIR R4 store of record', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json', 'application/json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        resource: features.resourceTypes.map((type) => ({
          type,
          interaction: interactions,
          versioning: 'versioned',
          readHistory: true,
          updateCreate: true,
          conditionalCreate: features.conditionalCreate,
          conditionalRead: 'not-supported',
          conditionalUpdate: features.conditionalUpdate,
          conditionalDelete: features.conditionalDelete,
          ...(features.typeInteractions.has('search-type')
            ? { searchInclude: ['*'], searchRevInclude: ['*'] }
            : {}),
          searchParam: features.typeInteractions.has('search-type') ? searchParamsOf(type) : [],
          operation:
            type === 'Patient' && features.typeInteractions.has('search-type')
              ? [...operations, everything]
              : operations,
        })),
        interaction: systemInteractionOrder
          .filter((code) => features.systemInteractions.has(code))
          .map((code) => ({ code })),
      },
    ],
  };
}
