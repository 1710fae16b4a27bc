// Parses one search parameter name (with modifier, chain or `_has`) and its values into a Criterion
// for a resource type; unknown names and modifiers raise UnknownParameter (400, or a warning when lenient).
import { isResourceType, type SearchParamDefinition, searchParameter } from '@healthlane/fhir';
import { splitEscaped } from './escape.ts';
import type { Criterion, RowParam } from './model.ts';
import { modifiersByType } from './modifiers.ts';
import { invalidSearch, nameForMessage } from './search-error.ts';

/** A parameter or modifier this server does not know for the type: refused, or ignored when lenient. */
export class UnknownParameter extends Error {}

const rowParams = new Set<string>(['_id', '_lastUpdated', '_content', '_list']);
const maxDepth = 4;

export function lookupParam(type: string, code: string): SearchParamDefinition | RowParam {
  if (rowParams.has(code)) return code as RowParam;
  // _text (the narrative) exists only on types that have one (DomainResource).
  if (code === '_text' && searchParameter(type, '_text') !== undefined) return code;
  const def = searchParameter(type, code);
  if (def === undefined || def.paths.length === 0 || def.type === 'special') {
    throw new UnknownParameter(`The search parameter ${nameForMessage(code)} is not supported for ${type}`);
  }
  return def;
}

function referenceParam(type: string, code: string): SearchParamDefinition {
  const def = lookupParam(type, code);
  if (typeof def === 'string' || def.type !== 'reference') {
    throw new UnknownParameter(`${nameForMessage(code)} is not a reference parameter of ${type}`);
  }
  return def;
}

function checkModifier(
  type: string,
  def: SearchParamDefinition | RowParam,
  modifier: string | undefined,
): void {
  if (modifier === undefined) return;
  if (typeof def === 'string') {
    if (def !== '_id' && def !== '_lastUpdated') throw new UnknownParameter(`${def} takes no modifier`);
    if (modifier === 'missing' || (def === '_id' && modifier === 'not')) return;
    throw new UnknownParameter(`${def} takes no modifier but :missing${def === '_id' ? ' and :not' : ''}`);
  }
  const allowed = modifiersByType[def.type] ?? [];
  if (allowed.includes(modifier)) {
    if (modifier === 'of-type' && def.code !== 'identifier')
      throw new UnknownParameter(':of-type is only for identifier');
    return;
  }
  if (
    def.type === 'reference' &&
    isResourceType(modifier) &&
    (def.targets.length === 0 || def.targets.includes(modifier))
  )
    return;
  throw new UnknownParameter(
    `The modifier :${nameForMessage(modifier)} is not supported on ${type}.${def.code}`,
  );
}

function parseHas(type: string, name: string, values: string[], depth: number): Criterion {
  const [, sourceType, refCode, ...rest] = name.split(':');
  if (sourceType === undefined || refCode === undefined || rest.length === 0 || !isResourceType(sourceType)) {
    throw invalidSearch('_has needs the form _has:Type:reference:parameter');
  }
  const ref = referenceParam(sourceType, refCode);
  if (ref.targets.length > 0 && !ref.targets.includes(type)) {
    throw new UnknownParameter(`${sourceType}.${refCode} cannot point at ${type}`);
  }
  return {
    kind: 'has',
    type,
    sourceType,
    ref,
    next: parseName(sourceType, rest.join(':'), values, depth + 1),
  };
}

function parseChain(type: string, head: string, tail: string, values: string[], depth: number): Criterion {
  const [code, modifier] = head.split(':') as [string, string | undefined];
  const ref = referenceParam(type, code);
  if (modifier !== undefined && !isResourceType(modifier)) {
    throw new UnknownParameter(`A chain's :${nameForMessage(modifier)} is not a resource type`);
  }
  const candidates = modifier !== undefined ? [modifier] : ref.targets.length > 0 ? [...ref.targets] : [];
  const tailCode = tail.split(/[.:]/, 1)[0]!;
  const targetTypes = candidates.filter((target) => {
    try {
      lookupParam(target, tailCode);
      return true;
    } catch {
      return false;
    }
  });
  if (targetTypes.length === 0) {
    throw new UnknownParameter(
      `No target of ${type}.${code} has the search parameter ${nameForMessage(tailCode)}`,
    );
  }
  const next = targetTypes.map((target) => parseName(target, tail, values, depth + 1));
  return { kind: 'chain', type, ref, targetTypes, next };
}

/** One `name=value` of a search on `type`; `values` are the comma-separated alternatives (escapes kept). */
export function parseName(type: string, name: string, values: string[], depth = 0): Criterion {
  if (depth > maxDepth) throw invalidSearch(`Chains and _has nest at most ${maxDepth} levels deep`);
  if (name.startsWith('_has:')) return parseHas(type, name, values, depth);
  const dot = name.indexOf('.');
  if (dot > 0) return parseChain(type, name.slice(0, dot), name.slice(dot + 1), values, depth);
  const [code, modifier, extra] = name.split(':') as [string, string | undefined, string | undefined];
  if (extra !== undefined) throw new UnknownParameter(`${nameForMessage(name)} has more than one modifier`);
  const param = lookupParam(type, code);
  checkModifier(type, param, modifier);
  return { kind: 'param', type, param, modifier, values };
}

/** The comma-separated alternatives of a raw value (escapes kept for the kind's own split). */
export function splitValues(raw: string): string[] {
  const values = splitEscaped(raw, ',', false);
  if (values.some((value) => value === '')) throw invalidSearch('A search parameter has an empty value');
  return values;
}
