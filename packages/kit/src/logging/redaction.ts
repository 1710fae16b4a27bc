// The second line of defence for logs: whatever object reaches a logger, keys that may hold
// secrets, identifiers or clinical values are replaced before the line is written. The first
// line is not logging such data at all (request logs carry the route template, never the URL).

export const redacted = '[redacted]';

/**
 * Sensitive keys, compared case-insensitively with '-' and '_' removed. Covers credentials,
 * HTTP envelopes (headers, query, body), FHIR demographics and every FHIR `value[x]`.
 */
const sensitiveKeys = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'apikey',
  'xapikey',
  'privatekey',
  'credential',
  'credentials',
  'headers',
  'query',
  'querystring',
  'params',
  'body',
  'payload',
  'url',
  'originalurl',
  'identifier',
  'ssn',
  'mrn',
  'name',
  'given',
  'family',
  'firstname',
  'lastname',
  'birthdate',
  'dob',
  'telecom',
  'phone',
  'email',
  'address',
  'text',
  'note',
  'photo',
]);

export function isSensitiveKey(key: string): boolean {
  const normal = key.replace(/[-_]/g, '').toLowerCase();
  return sensitiveKeys.has(normal) || normal.startsWith('value');
}

/**
 * Paths for pino's own `redact` option: the usual places credentials sit when a request, a
 * response or an error with its config object is logged whole (pino applies it to bindings too).
 */
export const redactPaths: string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'err.config.headers.authorization',
  'err.request.headers.authorization',
  'authorization',
  'cookie',
  'password',
  'token',
];

const maxDepth = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Under `err`/`error`, these describe the error itself (its `name` is a class, not a person). */
const errorFields = new Set(['name', 'type', 'code', 'message', 'stack']);
const errorKeys = new Set(['err', 'error']);

/**
 * Returns `value` with sensitive keys replaced at any depth of plain objects and arrays. Copies
 * only what changes; Errors and other class instances pass through to their serializers.
 */
export function scrub<T>(value: T, depth = 0, inError = false): T {
  if (depth > maxDepth) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, index) => {
      const clean = scrub(item, depth + 1);
      if (clean !== item) {
        copy ??= [...value];
        copy[index] = clean;
      }
    });
    return (copy ?? value) as T;
  }
  if (!isPlainObject(value)) return value;
  let copy: Record<string, unknown> | undefined;
  for (const [key, item] of Object.entries(value)) {
    const sensitive = isSensitiveKey(key) && !(inError && errorFields.has(key));
    const clean = sensitive ? redacted : scrub(item, depth + 1, errorKeys.has(key));
    if (clean !== item) {
      copy ??= { ...value };
      copy[key] = clean;
    }
  }
  return (copy ?? value) as T;
}
