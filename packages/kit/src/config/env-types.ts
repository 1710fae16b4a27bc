// Zod schemas for the shapes environment variables take. Each parses the raw string and states
// the rule in its message, never the value (loadConfig decides what may be echoed).
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

function integer(min: number, max: number, rule: string) {
  return z.string().transform((raw, ctx) => {
    const text = raw.trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
      ctx.addIssue({ code: 'custom', message: `must be ${rule}` });
      return z.NEVER;
    }
    return value;
  });
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Environment-variable schemas; combine with `.default()` / `.optional()` as usual. */
export const env = {
  /** TCP port 0-65535 (0 = any free port, for tests). */
  port: () => integer(0, 65_535, 'a port number between 0 and 65535'),
  /** Integer ≥ 1. */
  positiveInt: () => integer(1, Number.MAX_SAFE_INTEGER, 'a whole number of at least 1'),
  /** Integer ≥ 0. */
  nonNegativeInt: () => integer(0, Number.MAX_SAFE_INTEGER, 'a whole number of at least 0'),
  /** Milliseconds: '250', '250ms', '5s', '2m' or '1h'. */
  durationMs: () =>
    z.string().transform((raw, ctx) => {
      const match = /^(\d+)\s*(ms|s|m|h)?$/.exec(raw.trim());
      const amount = match ? Number(match[1]) * (durationUnits[match[2] ?? 'ms'] ?? 1) : Number.NaN;
      if (!Number.isSafeInteger(amount)) {
        ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500, 500ms, 5s, 2m or 1h' });
        return z.NEVER;
      }
      return amount;
    }),
  /** '1'/'true' or '0'/'false' (any case). */
  boolean: () =>
    z.string().transform((raw, ctx) => {
      const text = raw.trim().toLowerCase();
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      ctx.addIssue({ code: 'custom', message: 'must be one of 1, 0, true, false' });
      return z.NEVER;
    }),
  /** An absolute URL, optionally restricted to some schemes (e.g. ['postgres:', 'postgresql:']). */
  url: (protocols?: readonly string[]) =>
    z.string().refine(
      (raw) => {
        if (!URL.canParse(raw.trim())) return false;
        return protocols === undefined || protocols.includes(new URL(raw.trim()).protocol);
      },
      { message: protocols ? `must be a URL with scheme ${protocols.join(' or ')}` : 'must be a URL' },
    ),
  /** One of a fixed set of words. */
  oneOf: <const Values extends readonly [string, ...string[]]>(values: Values) =>
    z.enum(values, { error: () => `must be one of ${values.join(', ')}` }),
  /** A pino log level. */
  logLevel: () => env.oneOf(logLevels),
  /** A non-empty string. */
  text: () => z.string().trim().min(1, { message: 'must not be empty' }),
};
