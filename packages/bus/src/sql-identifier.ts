// Schema names are interpolated into SQL (identifiers cannot be parameters), so they are checked first.

// Short enough that `<schema>_processed_events` still fits a migration namespace (63 characters).
const schemaPattern = /^[a-z][a-z0-9_]{0,44}$/;

/** Throws unless `schema` is a plain lower-case PostgreSQL identifier; returns it for inline use. */
export function schemaName(schema: string): string {
  if (!schemaPattern.test(schema)) {
    throw new TypeError(
      `invalid schema name '${schema}': start with a letter, then lower-case letters, digits and '_' (45 at most)`,
    );
  }
  return schema;
}
