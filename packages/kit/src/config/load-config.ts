// Parses the environment once at start against every schema, and reports every problem at once
// in a single ConfigError, without echoing secrets or credentials found in URLs.
import type { z } from 'zod';

export interface ConfigProblem {
  /** The environment variable (or, for a whole-schema rule, the schema's key in parentheses). */
  variable: string;
  reason: string;
}

export class ConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    const lines = problems.map((problem) => `  ${problem.variable}: ${problem.reason}`);
    super(`Invalid configuration (${count}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

export type Environment = Record<string, string | undefined>;
export type ConfigSchemas = Record<string, z.ZodType>;
export type ConfigOf<Schemas extends ConfigSchemas> = { [Key in keyof Schemas]: z.output<Schemas[Key]> };

const secretName = /SECRET|PASSWORD|PASSWD|TOKEN|KEY|CREDENTIAL|PRIVATE|AUTH|COOKIE|SALT|PEPPER|SIGNING/i;
const urlUserinfo = /([a-z][\w+.-]*:\/\/)[^\s/@]*@/gi;
const maxShown = 80;

/** Removes user:password@ from every URL in a text. */
export function redactUrlCredentials(text: string): string {
  return text.replace(urlUserinfo, '$1***@');
}

/** How a value may appear in a message, or undefined when it must not appear at all. */
function shownValue(variable: string, value: string): string | undefined {
  if (secretName.test(variable)) return undefined;
  const safe = redactUrlCredentials(value);
  return safe.length > maxShown ? `${safe.slice(0, maxShown)}…` : safe;
}

function describe(variable: string, issue: z.core.$ZodIssue, environment: Environment): string {
  const value = environment[variable];
  if (value === undefined) {
    return issue.code === 'invalid_type' ? 'required but not set' : issue.message;
  }
  const shown = shownValue(variable, value);
  // A schema's own message might quote the value; never let it through unredacted.
  let reason = redactUrlCredentials(issue.message);
  if (value.length >= 3) reason = reason.split(value).join(shown ?? '[redacted]');
  return shown === undefined ? reason : `${reason} (got "${shown}")`;
}

/** Empty or blank variables count as unset, so `PORT=` in an env file means "use the default". */
function normalize(environment: Environment): Environment {
  const result: Environment = {};
  for (const [name, value] of Object.entries(environment)) {
    if (value !== undefined && value.trim() !== '') result[name] = value;
  }
  return result;
}

/**
 * Parses `environment` against each schema (keyed by owner, e.g. { host: hostConfig,
 * records: recordsConfig }) and returns each one's output. Throws one ConfigError naming every
 * bad or missing variable across all schemas.
 */
export function loadConfig<Schemas extends ConfigSchemas>(
  schemas: Schemas,
  environment: Environment,
): ConfigOf<Schemas> {
  const input = normalize(environment);
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  const output: Record<string, unknown> = {};
  for (const [owner, schema] of Object.entries(schemas)) {
    const result = schema.safeParse(input);
    if (result.success) {
      output[owner] = result.data;
      continue;
    }
    for (const issue of result.error.issues) {
      const first = issue.path[0];
      const variable = typeof first === 'string' ? first : `(${owner})`;
      const reason =
        typeof first === 'string' ? describe(variable, issue, input) : redactUrlCredentials(issue.message);
      const key = `${variable}\n${reason}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ variable, reason });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return output as ConfigOf<Schemas>;
}
