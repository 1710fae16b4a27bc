// The oracle's search queries: parameters with modifiers and OR-lists, one-level chains and `_has`,
// and their URL form (values escaped as R4 search §escaping says).

export interface Criterion {
  code: string;
  /** '', 'missing', 'not', 'exact', a resource type (reference), ... */
  modifier: string;
  /** OR-list, unescaped. */
  values: string[];
  /** `code:Type.chained=value`: the criterion on the referenced resource of type `modifier`. */
  chain?: Criterion;
  /** `_has:Type:reference:criterion`. */
  has?: { type: string; reference: string; criterion: Criterion };
}

export interface OracleQuery {
  type: string;
  /** Which parameter the query exercises (the report's key) and how. */
  param: string;
  variant: string;
  criteria: Criterion[];
  /** `_include` / `_revinclude` values ("Condition:subject"); the included set is checked too. */
  include?: { kind: '_include' | '_revinclude'; value: string };
}

/** Escapes `\`, `,`, `|`, `$` in a value (the generator also avoids them where unsure). */
export function escapeValue(value: string): string {
  return value.replace(/[\\,$|]/g, (c) => `\\${c}`);
}

function criterionName(criterion: Criterion): string {
  if (criterion.has) {
    const { type, reference, criterion: inner } = criterion.has;
    return `_has:${type}:${reference}:${criterionName(inner)}`;
  }
  const modifier = criterion.modifier ? `:${criterion.modifier}` : '';
  if (criterion.chain) return `${criterion.code}${modifier}.${criterionName(criterion.chain)}`;
  return `${criterion.code}${modifier}`;
}

function leaf(criterion: Criterion): Criterion {
  if (criterion.has) return leaf(criterion.has.criterion);
  return criterion.chain ? leaf(criterion.chain) : criterion;
}

/** Query values keep token `|` and composite `$` separators: they are structure, not content. */
function encodeValues(criterion: Criterion): string {
  const inner = leaf(criterion);
  return inner.values.map((value) => encodeURIComponent(value)).join(',');
}

export function searchString(query: OracleQuery): string {
  const criteria = query.criteria.map((c) => `${criterionName(c)}=${encodeValues(c)}`);
  if (query.include) criteria.push(`${query.include.kind}=${query.include.value}`);
  return criteria.join('&');
}

export function describeQuery(query: OracleQuery): string {
  const criteria = query.criteria.map((c) => `${criterionName(c)}=${leaf(c).values.join(',')}`);
  if (query.include) criteria.push(`${query.include.kind}=${query.include.value}`);
  return `${query.type}?${criteria.join('&')}`;
}
