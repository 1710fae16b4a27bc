// The records schema: the current version of every resource, every version ever written (with a
// global sequence for system history and keyset paging), and the search index (token today).
import type { Migration } from '@healthlane/store';

export const recordsMigrations: Migration[] = [
  {
    version: 1,
    name: 'create-resources',
    sql: `
CREATE SCHEMA IF NOT EXISTS records;

-- Every version, including deletions (json NULL). seq orders system history and pages it.
CREATE TABLE records.resource_version (
  seq           bigserial PRIMARY KEY,
  resource_type text        NOT NULL,
  id            text        NOT NULL,
  version_id    integer     NOT NULL,
  last_updated  timestamptz NOT NULL,
  method        text        NOT NULL CHECK (method IN ('POST', 'PUT', 'PATCH', 'DELETE')),
  json          text,
  CHECK ((method = 'DELETE') = (json IS NULL)),
  UNIQUE (resource_type, id, version_id)
);
CREATE INDEX resource_version_type_seq ON records.resource_version (resource_type, seq);
CREATE INDEX resource_version_updated ON records.resource_version (last_updated);

-- The current version of each resource (deleted ones too, so a read can answer 410 Gone).
CREATE TABLE records.resource (
  resource_type text        NOT NULL,
  id            text        NOT NULL,
  version_id    integer     NOT NULL,
  last_updated  timestamptz NOT NULL,
  deleted       boolean     NOT NULL,
  json          text,
  PRIMARY KEY (resource_type, id),
  CHECK (deleted = (json IS NULL))
);

-- Token search index, written in the same transaction as the version it describes. One row per
-- (resource, search parameter, token); the search issue grows this to every token SearchParameter.
CREATE TABLE records.token_index (
  resource_type text NOT NULL,
  resource_id   text NOT NULL,
  param         text NOT NULL,
  system        text,
  value         text,
  FOREIGN KEY (resource_type, resource_id) REFERENCES records.resource (resource_type, id) ON DELETE CASCADE
);
CREATE INDEX token_index_lookup ON records.token_index (resource_type, param, value, system);
CREATE INDEX token_index_resource ON records.token_index (resource_type, resource_id);
`,
  },
];
