// The CapabilityStatement, generated from what the routes really register (their interaction codes)
// and what the service really does (conditional flags, criteria), never written by hand.
import { supportedCriteria } from './criteria.ts';

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

export function capabilityStatement(baseUrl: string, features: ImplementedFeatures): Record<string, unknown> {
  const interactions = typeInteractionOrder
    .filter((code) => features.typeInteractions.has(code))
    .map((code) => ({ code }));
  const operations = features.typeOperations.map((name) => ({
    name,
    definition: operationDefinitions[name] ?? `${baseUrl}/OperationDefinition/${name}`,
  }));
  const searchParam = supportedCriteria.map(({ name, type, documentation }) => ({
    name,
    type,
    documentation: `${documentation}. Today only for conditional create, update and delete`,
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
    patchFormat: ['application/json-patch+json'],
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
          searchParam,
          operation: operations,
        })),
        interaction: systemInteractionOrder
          .filter((code) => features.systemInteractions.has(code))
          .map((code) => ({ code })),
      },
    ],
  };
}
