// The records schema: the current version of every resource, every version ever written (with a
// global sequence for system history and keyset paging), and the search index: one table per kind
// of search value (token, string, date, number, quantity, reference, uri, composite).
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
  {
    version: 2,
    name: 'search-index',
    sql: `
-- Search index, one table per value kind. Rows exist only for live resources (replaced on update,
-- removed on delete, in the statement that writes the version). Lookup indexes lead with
-- (resource_type, param, value) and end with resource_id, so a criterion is an index-only range scan.
ALTER TABLE records.token_index DROP CONSTRAINT IF EXISTS token_index_resource_type_resource_id_fkey;
ALTER TABLE records.token_index ADD COLUMN text_norm text;
DROP INDEX records.token_index_lookup;
CREATE INDEX token_index_lookup ON records.token_index (resource_type, param, value, system, resource_id);

CREATE TABLE records.string_index (
  resource_type text NOT NULL,
  resource_id   text NOT NULL,
  param         text NOT NULL,
  value_norm    text COLLATE "C" NOT NULL, -- lower case, no accents, at most 200 characters
  value         text NOT NULL
);
CREATE INDEX string_index_lookup ON records.string_index (resource_type, param, value_norm, resource_id);
CREATE INDEX string_index_resource ON records.string_index (resource_type, resource_id);

-- [low, high): the value's precision; open Period ends are -infinity / infinity.
CREATE TABLE records.date_index (
  resource_type text        NOT NULL,
  resource_id   text        NOT NULL,
  param         text        NOT NULL,
  low           timestamptz NOT NULL,
  high          timestamptz NOT NULL
);
CREATE INDEX date_index_low ON records.date_index (resource_type, param, low, resource_id);
CREATE INDEX date_index_high ON records.date_index (resource_type, param, high, resource_id);
CREATE INDEX date_index_resource ON records.date_index (resource_type, resource_id);

CREATE TABLE records.number_index (
  resource_type text    NOT NULL,
  resource_id   text    NOT NULL,
  param         text    NOT NULL,
  value         numeric NOT NULL
);
CREATE INDEX number_index_lookup ON records.number_index (resource_type, param, value, resource_id);
CREATE INDEX number_index_resource ON records.number_index (resource_type, resource_id);

CREATE TABLE records.quantity_index (
  resource_type text    NOT NULL,
  resource_id   text    NOT NULL,
  param         text    NOT NULL,
  value         numeric,
  system        text,
  code          text,
  unit          text
);
CREATE INDEX quantity_index_lookup ON records.quantity_index (resource_type, param, value, resource_id);
CREATE INDEX quantity_index_code ON records.quantity_index (resource_type, param, code, value);
CREATE INDEX quantity_index_resource ON records.quantity_index (resource_type, resource_id);

-- A relative reference splits into target_type/target_id; anything else (absolute URL, canonical) is url.
CREATE TABLE records.reference_index (
  resource_type     text NOT NULL,
  resource_id       text NOT NULL,
  param             text NOT NULL,
  target_type       text,
  target_id         text,
  url               text,
  identifier_system text,
  identifier_value  text
);
CREATE INDEX reference_index_lookup ON records.reference_index (resource_type, param, target_id, target_type, resource_id);
CREATE INDEX reference_index_target ON records.reference_index (target_type, target_id, resource_type, param, resource_id);
CREATE INDEX reference_index_url ON records.reference_index (resource_type, param, url) WHERE url IS NOT NULL;
CREATE INDEX reference_index_identifier ON records.reference_index (resource_type, param, identifier_value)
  WHERE identifier_value IS NOT NULL;
CREATE INDEX reference_index_resource ON records.reference_index (resource_type, resource_id);

CREATE TABLE records.uri_index (
  resource_type text NOT NULL,
  resource_id   text NOT NULL,
  param         text NOT NULL,
  value         text COLLATE "C" NOT NULL
);
CREATE INDEX uri_index_lookup ON records.uri_index (resource_type, param, value, resource_id);
CREATE INDEX uri_index_resource ON records.uri_index (resource_type, resource_id);

-- Composite: the first component (a token, or a reference as Type/id) is indexed; the others ride
-- along in rest (a JSON array) and are checked on the matching rows.
CREATE TABLE records.composite_index (
  resource_type text  NOT NULL,
  resource_id   text  NOT NULL,
  param         text  NOT NULL,
  system        text,
  value         text,
  rest          jsonb NOT NULL
);
CREATE INDEX composite_index_lookup ON records.composite_index (resource_type, param, value, resource_id);
CREATE INDEX composite_index_resource ON records.composite_index (resource_type, resource_id);

CREATE INDEX resource_type_updated ON records.resource (resource_type, last_updated);

-- Which extraction rules built the index; a newer build re-indexes every current resource at start.
CREATE TABLE records.search_index_state (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  version   integer NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'text-search',
    sql: `
-- _content (every string of the resource) and _text (the narrative without tags) as tsvectors of
-- the normalized text; filled for existing resources by the re-index at start (search index v3).
CREATE TABLE records.text_index (
  resource_type text     NOT NULL,
  resource_id   text     NOT NULL,
  param         text     NOT NULL,
  doc           tsvector NOT NULL
);
CREATE INDEX text_index_doc ON records.text_index USING gin (doc);
CREATE INDEX text_index_resource ON records.text_index (resource_type, resource_id);
`,
  },
];
