// Turns JS parameter values into PostgreSQL text (or raw bytes) once, here, so both adapters send the
// same thing; left to the drivers, pg and PGlite disagree (arrays into json, local-time Dates, ...).

/** How a Uint8Array travels: pg sends raw bytes in binary format, PGlite takes bytea hex text. */
export type BytesEncoding = 'binary' | 'hex';

export type WireParam = string | Uint8Array | null;

function hex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

function scalarText(value: unknown, position: number): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value instanceof Date) {
        if (Number.isNaN(value.getTime())) throw new TypeError(`parameter $${position} is an invalid Date`);
        return value.toISOString();
      }
      if (value instanceof Uint8Array) return hex(value);
      return JSON.stringify(value);
    }
    default:
      throw new TypeError(`parameter $${position} has an unsupported type (${typeof value})`);
  }
}

function arrayLiteral(values: readonly unknown[], position: number): string {
  const items = values.map((item) => {
    if (item === null || item === undefined) return 'NULL';
    if (Array.isArray(item)) return arrayLiteral(item, position);
    return `"${scalarText(item, position).replace(/[\\"]/g, '\\$&')}"`;
  });
  return `{${items.join(',')}}`;
}

/**
 * Maps one parameter: null/undefined → NULL, Date → ISO-8601 UTC, Uint8Array → bytea, JS array →
 * array literal (so for a json/jsonb column pass `JSON.stringify(array)`), other objects → JSON.
 * Throws a TypeError naming only the parameter's position, never its value.
 */
export function toWireParam(value: unknown, position: number, bytes: BytesEncoding): WireParam {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array && bytes === 'binary') return value;
  if (Array.isArray(value)) return arrayLiteral(value, position);
  return scalarText(value, position);
}

export function toWireParams(params: readonly unknown[] | undefined, bytes: BytesEncoding): WireParam[] {
  return params ? params.map((value, i) => toWireParam(value, i + 1, bytes)) : [];
}
