// SMART v2 granular scopes: a resource scope narrowed by a search query, e.g.
// `patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|vital-signs`.
// Understood here: the token parameters SMART requires (`category`, and `code`) on the types where
// the parameter is the element of the same name, a CodeableConcept; values `system|code` or `code`,
// commas OR, repeated parameters AND. Anything else in a query makes the scope grant nothing.

export interface CodeToken {
  system?: string;
  code: string;
}

/** One `param=value[,value]` of a granular scope: the resource matches one of the tokens. */
export interface ScopeCondition {
  param: 'category' | 'code';
  tokens: CodeToken[];
}

/** Types and the parameters whose element (same name, CodeableConcept or list of them) is checked. */
const supported: Readonly<Record<string, ReadonlyArray<ScopeCondition['param']>>> = {
  Observation: ['category', 'code'],
  Condition: ['category', 'code'],
  DiagnosticReport: ['category', 'code'],
  DocumentReference: ['category'],
  ServiceRequest: ['category', 'code'],
  Procedure: ['category', 'code'],
  CarePlan: ['category'],
  MedicationRequest: ['category'],
};

/** A system or code: no separators of the query or the token, so the canonical text parses back to itself. */
const tokenText = /^[^\s|,&=%?#]{1,256}$/;

function parseToken(text: string): CodeToken | undefined {
  const bar = text.indexOf('|');
  if (bar === -1) return tokenText.test(text) ? { code: text } : undefined;
  const system = text.slice(0, bar);
  const code = text.slice(bar + 1);
  if (!tokenText.test(system) || !tokenText.test(code)) return undefined;
  return { system, code };
}

/** The conditions of `query` for `type`, or undefined when any part is not understood. */
export function parseScopeQuery(type: string, query: string): ScopeCondition[] | undefined {
  const params = supported[type];
  if (params === undefined || query === '' || query.length > 2048) return undefined;
  const conditions: ScopeCondition[] = [];
  for (const part of query.split('&')) {
    const at = part.indexOf('=');
    if (at <= 0) return undefined;
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(part.slice(0, at));
      value = decodeURIComponent(part.slice(at + 1));
    } catch {
      return undefined;
    }
    if (!(params as readonly string[]).includes(name)) return undefined;
    const tokens = value.split(',').map(parseToken);
    if (tokens.length === 0 || tokens.some((token) => token === undefined)) return undefined;
    conditions.push({ param: name as ScopeCondition['param'], tokens: tokens as CodeToken[] });
  }
  return conditions;
}

/** The canonical query text of `conditions` (as written, values unencoded: SMART scopes carry them so). */
export function formatScopeQuery(conditions: readonly ScopeCondition[]): string {
  return conditions
    .map(
      (condition) =>
        `${condition.param}=${condition.tokens
          .map((token) => (token.system === undefined ? token.code : `${token.system}|${token.code}`))
          .join(',')}`,
    )
    .join('&');
}

interface Coding {
  system?: unknown;
  code?: unknown;
}

function codingsOf(value: unknown): Coding[] {
  const concepts = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return concepts.flatMap((concept) => {
    const coding = (concept as { coding?: unknown } | null)?.coding;
    return Array.isArray(coding) ? (coding as Coding[]) : [];
  });
}

/** Whether `resource` satisfies every condition (each by one of its tokens). */
export function resourceMatches(conditions: readonly ScopeCondition[], resource: unknown): boolean {
  if (resource === null || typeof resource !== 'object') return false;
  return conditions.every((condition) => {
    const codings = codingsOf((resource as Record<string, unknown>)[condition.param]);
    return condition.tokens.some((token) =>
      codings.some(
        (coding) =>
          coding.code === token.code && (token.system === undefined || coding.system === token.system),
      ),
    );
  });
}
