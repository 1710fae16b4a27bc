// Expands the R4 ValueSets used by required bindings from the shipped CodeSystems, and tests codes against them.
import { definitions } from './definitions.ts';
import type { CodeSystem, CodeSystemConcept, ValueSet, ValueSetInclude } from './types.ts';

/**
 * The codes of a ValueSet by system. A system in `openSystems` could not be enumerated (an external
 * terminology such as SNOMED CT, UCUM, BCP-47 or MIME types, or an unsupported filter): any code of it is accepted.
 */
export interface Expansion {
  codes: Map<string, Set<string>>;
  openSystems: Set<string>;
  /** The ValueSet itself is unknown or imports an unknown ValueSet: everything is accepted. */
  open: boolean;
}

function emptyExpansion(open = false): Expansion {
  return { codes: new Map(), openSystems: new Set(), open };
}

function collectCodes(concepts: readonly CodeSystemConcept[] | undefined, into: Set<string>): void {
  for (const concept of concepts ?? []) {
    into.add(concept.code);
    collectCodes(concept.concept, into);
  }
}

function findConcept(
  concepts: readonly CodeSystemConcept[] | undefined,
  code: string,
): CodeSystemConcept | undefined {
  for (const concept of concepts ?? []) {
    if (concept.code === code) return concept;
    const nested = findConcept(concept.concept, code);
    if (nested) return nested;
  }
  return undefined;
}

/** Codes for one include/exclude on a system, or undefined when they cannot be enumerated here. */
function systemCodes(include: ValueSetInclude, system: CodeSystem | undefined): Set<string> | undefined {
  if (include.concept) return new Set(include.concept.map((c) => c.code));
  if (!system?.concept || (system.content !== undefined && system.content !== 'complete')) return undefined;
  if (!include.filter?.length) {
    const all = new Set<string>();
    collectCodes(system.concept, all);
    return all;
  }
  let result: Set<string> | undefined;
  for (const filter of include.filter) {
    const matched = new Set<string>();
    const root = findConcept(system.concept, filter.value);
    if (filter.property !== 'concept' || !root) return undefined;
    if (filter.op === 'is-a') matched.add(root.code);
    if (filter.op === 'is-a' || filter.op === 'descendent-of') collectCodes(root.concept, matched);
    else if (filter.op === 'is-not-a') {
      collectCodes(system.concept, matched);
      const excluded = new Set<string>([root.code]);
      collectCodes(root.concept, excluded);
      for (const code of excluded) matched.delete(code);
    } else return undefined;
    result = result ? new Set([...result].filter((c) => matched.has(c))) : matched;
  }
  return result;
}

function merge(into: Expansion, from: Expansion): void {
  if (from.open) into.open = true;
  for (const system of from.openSystems) into.openSystems.add(system);
  for (const [system, codes] of from.codes) {
    const target = into.codes.get(system) ?? new Set<string>();
    for (const code of codes) target.add(code);
    into.codes.set(system, target);
  }
}

function expandValueSet(url: string, visiting: Set<string>): Expansion {
  const valueSet: ValueSet | undefined = definitions().valueSet(url);
  if (!valueSet || visiting.has(url)) return emptyExpansion(true);
  visiting.add(url);
  const result = emptyExpansion();
  if (!valueSet.compose) {
    if (!valueSet.expansion?.contains) return emptyExpansion(true);
    addContains(result, valueSet.expansion.contains);
    return result;
  }
  for (const include of valueSet.compose.include) {
    if (include.valueSet?.length && !include.system) {
      // Several imported ValueSets intersect; the rare case of more than one is accepted leniently.
      if (include.valueSet.length > 1) result.open = true;
      else merge(result, expandValueSet(include.valueSet[0]!, visiting));
      continue;
    }
    if (!include.system) continue;
    const codes = systemCodes(include, definitions().codeSystem(include.system));
    if (!codes) result.openSystems.add(include.system);
    else merge(result, { codes: new Map([[include.system, codes]]), openSystems: new Set(), open: false });
  }
  for (const exclude of valueSet.compose.exclude ?? []) {
    if (!exclude.system || !exclude.concept) continue; // filter-based excludes are not applied (lenient)
    const codes = result.codes.get(exclude.system);
    for (const concept of exclude.concept) codes?.delete(concept.code);
  }
  visiting.delete(url);
  return result;
}

function addContains(into: Expansion, contains: NonNullable<ValueSet['expansion']>['contains']): void {
  for (const item of contains ?? []) {
    if (item.system && item.code) {
      const codes = into.codes.get(item.system) ?? new Set<string>();
      codes.add(item.code);
      into.codes.set(item.system, codes);
    }
    addContains(into, item.contains as NonNullable<ValueSet['expansion']>['contains']);
  }
}

const expansions = new Map<string, Expansion>();

/** The expansion of a ValueSet, computed on first use and cached. */
export function expansionOf(url: string): Expansion {
  const key = url.split('|')[0]!;
  let expansion = expansions.get(key);
  if (!expansion) {
    expansion = expandValueSet(key, new Set());
    expansions.set(key, expansion);
  }
  return expansion;
}

/** A bare `code` (no system): valid when any system of the ValueSet has it or may have it. */
export function acceptsCode(expansion: Expansion, code: string): boolean {
  if (expansion.open || expansion.openSystems.size > 0) return true;
  for (const codes of expansion.codes.values()) if (codes.has(code)) return true;
  return false;
}

/** A Coding: its system must be in the ValueSet and hold the code. */
export function acceptsCoding(
  expansion: Expansion,
  system: string | undefined,
  code: string | undefined,
): boolean {
  if (expansion.open) return true;
  if (code === undefined) return false;
  if (system === undefined) return acceptsCode(expansion, code);
  if (expansion.openSystems.has(system)) return true;
  return expansion.codes.get(system)?.has(code) ?? false;
}
