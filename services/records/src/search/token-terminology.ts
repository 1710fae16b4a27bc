// Token modifiers that need terminology: `:in`/`:not-in` (ValueSet membership) and `:above`/`:below`
// (subsumption), answered from the R4 ValueSets and CodeSystems @healthlane/fhir ships. Whatever
// cannot be decided here (an unknown ValueSet, an external terminology such as SNOMED CT or LOINC,
// a hierarchy that is not is-a) is refused with a 400, never answered with a guess.
import { type CodeSystemConcept, definitions, expansionOf } from '@healthlane/fhir';
import { splitEscaped, unescapeValue } from './escape.ts';
import { invalidSearch, unsupported } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';

/** The (system, code) pairs a token row must be one of; a row without a system matches on its code. */
interface CodeSet {
  systems: string[];
  codes: string[];
}

const expandable = new Map<string, CodeSet>();

/** The codes of a ValueSet known to the R4 definitions and expandable from its compose. */
function valueSetCodes(url: string): CodeSet {
  const cached = expandable.get(url);
  if (cached) return cached;
  if (definitions().valueSet(url) === undefined) {
    throw unsupported(
      'The ValueSet of a token :in/:not-in search is not known to this server (only the R4 ValueSets are)',
    );
  }
  const expansion = expansionOf(url);
  if (expansion.open || expansion.openSystems.size > 0) {
    throw unsupported(
      'The ValueSet of a token :in/:not-in search cannot be expanded without an external terminology server',
    );
  }
  const set: CodeSet = { systems: [], codes: [] };
  for (const [system, codes] of expansion.codes) {
    for (const code of codes) {
      set.systems.push(system);
      set.codes.push(code);
    }
  }
  expandable.set(url, set);
  return set;
}

/** The concept and the concepts above it (root first), or undefined when the code is not there. */
function pathTo(
  concepts: readonly CodeSystemConcept[] | undefined,
  code: string,
): CodeSystemConcept[] | undefined {
  for (const concept of concepts ?? []) {
    if (concept.code === code) return [concept];
    const below = pathTo(concept.concept, code);
    if (below) return [concept, ...below];
  }
  return undefined;
}

function descendants(concept: CodeSystemConcept, into: string[]): void {
  for (const child of concept.concept ?? []) {
    into.push(child.code);
    descendants(child, into);
  }
}

const subsumptionMeaning = new Set([undefined, 'is-a']);

/** `system|code` and the codes it subsumes (`below`) or is subsumed by (`above`), itself included. */
function subsumptionCodes(value: string, modifier: 'above' | 'below'): CodeSet {
  const parts = splitEscaped(value, '|', true);
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw invalidSearch(`A token :${modifier} search needs system|code`);
  }
  const [system, code] = parts as [string, string];
  const codeSystem = definitions().codeSystem(system);
  if (!codeSystem?.concept || (codeSystem.content !== undefined && codeSystem.content !== 'complete')) {
    throw unsupported(
      `Token :${modifier} needs subsumption in a code system this server does not hold (only the R4 code systems; SNOMED CT, LOINC and others need an external terminology server)`,
    );
  }
  if (!subsumptionMeaning.has(codeSystem.hierarchyMeaning as string | undefined)) {
    throw unsupported(`The code system of a token :${modifier} search has no is-a hierarchy`);
  }
  const path = pathTo(codeSystem.concept, code);
  if (path === undefined)
    throw invalidSearch(`The code of a token :${modifier} search is not defined in its code system`);
  const codes = modifier === 'above' ? path.map((concept) => concept.code) : [code];
  if (modifier === 'below') descendants(path.at(-1)!, codes);
  return { systems: codes.map(() => system), codes };
}

function codeSetPredicate(ctx: SqlContext, set: CodeSet): string {
  if (set.codes.length === 0) return 'FALSE';
  const pairs = `SELECT s, c FROM unnest(${bind(ctx, set.systems, 'text[]')}, ${bind(ctx, set.codes, 'text[]')}) AS v(s, c)`;
  // A code element (Observation.status) carries no system: its code counts when the set has it.
  return `((i.system, i.value) IN (${pairs}) OR (i.system IS NULL AND i.value = ANY(${bind(ctx, set.codes, 'text[]')})))`;
}

/** The predicate over a token index row (alias i) for `:in` (also used, negated, by `:not-in`), `:above` or `:below`. */
export function terminologyPredicate(
  ctx: SqlContext,
  value: string,
  modifier: 'in' | 'above' | 'below',
): string {
  if (modifier === 'in') {
    const url = unescapeValue(value);
    if (url === '') throw invalidSearch('A token :in search needs a ValueSet URL');
    return codeSetPredicate(ctx, valueSetCodes(url.split('|')[0]!));
  }
  return codeSetPredicate(ctx, subsumptionCodes(value, modifier));
}
