// What the records routes share: the service, the database for reads, config, and the record of
// which interactions they registered (the CapabilityStatement is generated from it).
import type { Database } from '@healthlane/store';
import type { RecordsConfig } from '../config.ts';
import type { SystemInteraction, TypeInteraction } from '../domain/capability-statement.ts';
import type { RecordsResourceService } from '../records-resource-service.ts';

export interface ImplementedInteractions {
  type: Set<TypeInteraction>;
  system: Set<SystemInteraction>;
  /** Type-level operations, e.g. 'validate'. */
  operations: string[];
}

export interface RouteDeps {
  service: RecordsResourceService;
  db: Database;
  config: RecordsConfig;
  implemented: ImplementedInteractions;
}

export interface TypeParams {
  type: string;
}

export interface InstanceParams extends TypeParams {
  id: string;
}
