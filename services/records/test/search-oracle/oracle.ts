// The oracle: for a query over a set of resources, which resources must match and which may
// (where R4 leaves a choice), computed by evaluating each SearchParameter's FHIRPath expression and
// applying the matching rules of the specification, slowly and plainly.
import { definitions, type SearchParameter } from '@healthlane/fhir';
import { dateRanges, matchDate } from './date-match.ts';
import { compositeRootsOf, type TypedValue, valuesOf } from './extract.ts';
import { matchQuantity } from './quantity-match.ts';
import type { Criterion, OracleQuery } from './query.ts';
import { matchReference, matchUri, parseLocalReference, referencePresence } from './reference-match.ts';
import { matchString, normalizeString, type StringModifier, stringParts } from './string-match.ts';
import { matchToken, type TokenModifier, tokenEntries } from './token-match.ts';
import { allOf, anyOf, not, type Verdict } from './verdict.ts';

export type Resource = { resourceType: string; id: string; [key: string]: unknown };

export interface Expected {
  must: Set<string>;
  may: Set<string>;
  /** With `_include`/`_revinclude`: the included resources as "Type/id". */
  included?: { must: Set<string>; may: Set<string> };
}

/** Parameters the oracle cannot evaluate: no FHIRPath expression (_text, _content, _query). */
export function oracleParameters(type: string): SearchParameter[] {
  return definitions()
    .searchParameters(type)
    .filter((sp) => sp.expression !== undefined);
}

export function parameterOf(type: string, code: string): SearchParameter {
  const found = definitions()
    .searchParameters(type)
    .find((sp) => sp.code === code);
  if (!found) throw new Error(`${type} has no search parameter ${code}`);
  return found;
}

function parameterByUrl(type: string, url: string): SearchParameter {
  const found = definitions()
    .searchParameters(type)
    .find((sp) => sp.url === url);
  if (!found) throw new Error(`${type}: no search parameter ${url}`);
  return found;
}

function valuePresence(type: string, values: TypedValue[]): Verdict {
  if (values.length === 0) return 'no';
  if (type === 'reference') return referencePresence(values);
  if (type === 'date')
    return values.some((v) => v.type !== 'string' || dateRanges(v).length > 0) ? 'yes' : 'may';
  if (type === 'token') {
    return values.flatMap(tokenEntries).some((e) => e.code !== undefined || e.system !== undefined)
      ? 'yes'
      : 'may';
  }
  if (type === 'quantity') {
    // Range and SampledData hold no single quantity: whether they count as a value is left open.
    return values.some((v) => v.type !== 'Range' && v.type !== 'SampledData') ? 'yes' : 'may';
  }
  return 'yes';
}

export class SearchOracle {
  private readonly byType = new Map<string, Resource[]>();
  private readonly valueCache = new Map<string, TypedValue[]>();
  private readonly chainCache = new Map<string, Map<string, Verdict>>();
  private readonly hasCache = new Map<string, Map<string, Verdict>>();

  /** The server's base URL, e.g. http://localhost/fhir/R4: absolute references to it are local. */
  readonly base: string;
  /** "now" for `ap` on dates. */
  readonly now: number;

  constructor(resources: Iterable<Resource>, base: string, now: number) {
    this.base = base;
    this.now = now;
    for (const resource of resources) {
      const list = this.byType.get(resource.resourceType) ?? [];
      list.push(resource);
      this.byType.set(resource.resourceType, list);
    }
  }

  resources(type: string): Resource[] {
    return this.byType.get(type) ?? [];
  }

  values(parameter: SearchParameter, resource: Resource): TypedValue[] {
    const key = `${resource.resourceType}/${resource.id}\u0000${parameter.url}`;
    let values = this.valueCache.get(key);
    if (!values) {
      values = valuesOf(parameter, resource);
      this.valueCache.set(key, values);
    }
    return values;
  }

  compositeRoots(parameter: SearchParameter, resource: Resource): TypedValue[][][] {
    return compositeRootsOf(parameter, resource);
  }

  /** The parameter type of each component of a composite ('token', 'quantity', ...). */
  compositeComponentTypes(parameter: SearchParameter, type: string): string[] {
    return ((parameter.component ?? []) as Array<{ definition: string }>).map(
      (c) => parameterByUrl(type, c.definition).type,
    );
  }

  expected(query: OracleQuery): Expected {
    const must = new Set<string>();
    const may = new Set<string>();
    for (const resource of this.resources(query.type)) {
      const verdict = allOf(query.criteria.map((c) => this.verdict(resource, c)));
      if (verdict === 'yes') must.add(resource.id);
      if (verdict === 'may') may.add(resource.id);
    }
    if (!query.include) return { must, may };
    return { must, may, included: this.included(query, must, may) };
  }

  /**
   * `_include=T:param`: the stored resources the matches refer to through param; `_revinclude=S:param`:
   * the stored resources of type S that refer to a match through param. From a 'may' match: 'may'.
   */
  private included(
    query: OracleQuery,
    must: Set<string>,
    may: Set<string>,
  ): { must: Set<string>; may: Set<string> } {
    const include = query.include as NonNullable<OracleQuery['include']>;
    const [sourceType, code] = include.value.split(':') as [string, string];
    const out = { must: new Set<string>(), may: new Set<string>() };
    const exists = (type: string, id: string) => this.resources(type).some((r) => r.id === id);
    const record = (name: string, sure: boolean) => {
      if (sure) {
        out.must.add(name);
        out.may.delete(name);
      } else if (!out.must.has(name)) out.may.add(name);
    };
    const localTargets = (resource: Resource) =>
      this.values(parameterOf(sourceType, code), resource).flatMap((value) => {
        const text =
          typeof value.value === 'string' ? value.value : (value.value as { reference?: unknown }).reference;
        const local = typeof text === 'string' ? parseLocalReference(text, this.base) : undefined;
        return local ? [local] : [];
      });
    // A resource that is itself a match appears once, as a match, not again as an include.
    const add = (name: string, sure: boolean) => {
      const [type, id] = name.split('/') as [string, string];
      if (type === query.type && must.has(id)) return;
      record(name, sure && !(type === query.type && may.has(id)));
    };
    if (include.kind === '_include') {
      for (const resource of this.resources(query.type)) {
        if (!must.has(resource.id) && !may.has(resource.id)) continue;
        for (const target of localTargets(resource)) {
          if (exists(target.type, target.id))
            add(`${target.type}/${target.id}`, must.has(resource.id) && !target.versioned);
        }
      }
      return out;
    }
    for (const resource of this.resources(sourceType)) {
      for (const target of localTargets(resource)) {
        if (target.type !== query.type) continue;
        const sure = must.has(target.id) && !target.versioned;
        if (sure || may.has(target.id) || must.has(target.id)) add(`${sourceType}/${resource.id}`, sure);
      }
    }
    return out;
  }

  verdict(resource: Resource, criterion: Criterion): Verdict {
    if (criterion.has) return this.hasVerdict(resource, criterion.has);
    const parameter = parameterOf(resource.resourceType, criterion.code);
    if (criterion.chain) return this.chainVerdict(resource, parameter, criterion.modifier, criterion.chain);
    if (criterion.modifier === 'missing') {
      const present = this.presence(parameter, resource);
      return criterion.values[0] === 'true' ? not(present) : present;
    }
    if (parameter.type === 'composite') return this.compositeVerdict(resource, parameter, criterion.values);
    return this.valueVerdict(
      parameter,
      this.values(parameter, resource),
      criterion.modifier,
      criterion.values,
    );
  }

  /**
   * Whether the resource has a value for :missing. A composite has one where some root has a value
   * for every component. Left open ('may'): a date that is free text (Immunization.occurrence may be
   * a string), a token with only text (nothing to match but :text), a reference to a contained
   * resource or with only an identifier.
   */
  private presence(parameter: SearchParameter, resource: Resource): Verdict {
    if (parameter.type === 'composite') {
      const types = this.compositeComponentTypes(parameter, resource.resourceType);
      return anyOf(
        compositeRootsOf(parameter, resource).map((root) =>
          allOf(types.map((type, index) => valuePresence(type, root[index] ?? []))),
        ),
      );
    }
    return valuePresence(parameter.type, this.values(parameter, resource));
  }

  private valueVerdict(
    parameter: SearchParameter,
    values: TypedValue[],
    modifier: string,
    queries: string[],
  ): Verdict {
    switch (parameter.type) {
      case 'string':
        if (parameter.code === 'phonetic' && modifier === '') {
          // Phonetic matching is the server's choice of algorithm: only the same name is certain.
          const parts = values.flatMap(stringParts).map(normalizeString);
          return anyOf(queries.map((q): Verdict => (parts.includes(normalizeString(q)) ? 'yes' : 'may')));
        }
        return anyOf(queries.map((q) => matchString(values, q, modifier as StringModifier)));
      case 'token':
        return matchToken(values, queries, modifier as TokenModifier);
      case 'date':
        return anyOf(queries.map((q) => matchDate(values, q, this.now)));
      case 'number':
      case 'quantity':
        return anyOf(queries.map((q) => matchQuantity(values, q)));
      case 'reference':
        return matchReference(
          values,
          queries.map((value) => ({ modifier, value })),
          this.base,
          (parameter.target ?? []) as string[],
        );
      case 'uri':
        return matchUri(values, queries, modifier as '' | 'below' | 'above');
      default:
        throw new Error(`parameter type ${parameter.type} is not defined for the oracle`);
    }
  }

  private compositeVerdict(resource: Resource, parameter: SearchParameter, queries: string[]): Verdict {
    const components = (parameter.component ?? []) as Array<{ definition: string }>;
    const definitionsOfParts = components.map((c) => parameterByUrl(resource.resourceType, c.definition));
    const roots = compositeRootsOf(parameter, resource);
    return anyOf(
      queries.map((query) => {
        const parts = query.split('$');
        return anyOf(
          roots.map((rootValues) =>
            allOf(
              definitionsOfParts.map((part, index) =>
                this.valueVerdict(part, rootValues[index] ?? [], '', [parts[index] ?? '']),
              ),
            ),
          ),
        );
      }),
    );
  }

  /** `ref:Type.param=value`: a referenced resource of that type matches the inner criterion. */
  private chainVerdict(
    resource: Resource,
    parameter: SearchParameter,
    type: string,
    inner: Criterion,
  ): Verdict {
    const key = `${type}\u0000${JSON.stringify(inner)}`;
    let targets = this.chainCache.get(key);
    if (!targets) {
      targets = new Map<string, Verdict>();
      for (const target of this.resources(type)) targets.set(target.id, this.verdict(target, inner));
      this.chainCache.set(key, targets);
    }
    const references = this.values(parameter, resource).flatMap((value) => {
      const text = (value.value as { reference?: unknown }).reference;
      return typeof text === 'string' ? [text] : [];
    });
    return anyOf(
      references.map((text) => {
        const local = parseLocalReference(text, this.base);
        if (!local || local.type !== type) return 'no';
        return targets.get(local.id) ?? 'no';
      }),
    );
  }

  /** `_has:Type:ref:criterion`: some resource of Type refers to this one through `ref` and matches. */
  private hasVerdict(resource: Resource, has: NonNullable<Criterion['has']>): Verdict {
    const key = JSON.stringify(has);
    let referred = this.hasCache.get(key);
    if (!referred) {
      // Each referring resource that matches, by the local references it holds through `ref`.
      referred = new Map<string, Verdict>();
      const parameter = parameterOf(has.type, has.reference);
      for (const other of this.resources(has.type)) {
        const verdict = this.verdict(other, has.criterion);
        if (verdict === 'no') continue;
        for (const value of this.values(parameter, other)) {
          const text = (value.value as { reference?: unknown }).reference;
          const local = typeof text === 'string' ? parseLocalReference(text, this.base) : undefined;
          if (!local) continue;
          const name = `${local.type}/${local.id}`;
          const mark: Verdict = verdict === 'yes' && !local.versioned ? 'yes' : 'may';
          if (referred.get(name) !== 'yes') referred.set(name, mark);
        }
      }
      this.hasCache.set(key, referred);
    }
    return referred.get(`${resource.resourceType}/${resource.id}`) ?? 'no';
  }
}
