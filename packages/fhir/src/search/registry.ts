// The search-parameter registry: the official R4 SearchParameters of each resource type, with each
// expression cut into the union parts that apply to that type (so a shared `A.code | B.code` costs
// one path per resource) and `where(resolve() is T)` turned into a target-type filter.
import { definitions } from '../definitions.ts';
import type { SearchParameter } from '../types.ts';

export type SearchParamType =
  | 'number'
  | 'date'
  | 'string'
  | 'token'
  | 'reference'
  | 'composite'
  | 'quantity'
  | 'uri'
  | 'special';

/** One union part of an expression, evaluated on its own. */
export interface SearchPath {
  expression: string;
  /** From `.where(resolve() is T)`: only references to this resource type. */
  targetType?: string;
}

export interface SearchComponent {
  /** The component's own parameter type (token, quantity, ...), which decides how its values index. */
  type: SearchParamType;
  code: string;
  /** Relative to a node of the composite's expression. */
  expression: string;
}

export interface SearchParamDefinition {
  code: string;
  type: SearchParamType;
  url: string;
  /** Empty for parameters without an expression (`_text`, `_content`, `_query`). */
  paths: readonly SearchPath[];
  /** Resource types a reference parameter may point to. */
  targets: readonly string[];
  components: readonly SearchComponent[];
}

/** Splits on `|` outside parentheses and quotes. */
export function splitUnion(expression: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < expression.length; i++) {
    const char = expression[i];
    if (char === "'" && expression[i - 1] !== '\\') quoted = !quoted;
    else if (quoted) continue;
    else if (char === '(') depth++;
    else if (char === ')') depth--;
    else if (char === '|' && depth === 0) {
      parts.push(expression.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(expression.slice(start).trim());
  return parts.filter((part) => part !== '');
}

/** `(X.value as Quantity)` → `X.value as Quantity`, when the parentheses wrap the whole part. */
function unwrap(part: string): string {
  let text = part;
  while (text.startsWith('(') && text.endsWith(')')) {
    let depth = 0;
    let wrapsAll = true;
    for (let i = 0; i < text.length - 1; i++) {
      if (text[i] === '(') depth++;
      else if (text[i] === ')') depth--;
      if (depth === 0) {
        wrapsAll = false;
        break;
      }
    }
    if (!wrapsAll) break;
    text = text.slice(1, -1).trim();
  }
  return text;
}

const resolveFilter = /\.where\(resolve\(\) is ([A-Za-z]+)\)/;

/**
 * `X as T` and `X.as(T)` need a single item (an error on a repeating element such as
 * Observation.component.value); `ofType(T)` filters a collection the same way.
 */
function asOfType(part: string): string {
  return part
    .replace(/^(.*\S)\s+as\s+([A-Za-z]+)$/, '($1).ofType($2)')
    .replace(/\.as\(([A-Za-z]+)\)/g, '.ofType($1)');
}

/** The parts of `expression` rooted at `type` (or at Resource/DomainResource), re-rooted at `type`. */
function pathsFor(type: string, expression: string): SearchPath[] {
  const paths: SearchPath[] = [];
  for (const raw of splitUnion(expression)) {
    let part = unwrap(raw);
    const root = /^([A-Za-z]+)\b/.exec(part)?.[1];
    if (root !== type && root !== 'Resource' && root !== 'DomainResource') continue;
    part = asOfType(`${type}${part.slice(root.length)}`);
    const filter = resolveFilter.exec(part);
    if (filter) {
      paths.push({ expression: part.replace(resolveFilter, ''), targetType: filter[1]! });
    } else {
      paths.push({ expression: part });
    }
  }
  return paths;
}

const byType = new Map<string, ReadonlyMap<string, SearchParamDefinition>>();
let byUrl: Map<string, SearchParameter> | undefined;

function parameterByUrl(url: string): SearchParameter | undefined {
  if (!byUrl) {
    byUrl = new Map();
    for (const type of definitions().resourceTypes()) {
      for (const sp of definitions().searchParameters(type)) byUrl.set(sp.url, sp);
    }
  }
  return byUrl.get(url);
}

function definitionFor(type: string, sp: SearchParameter): SearchParamDefinition {
  const components = ((sp.component as { definition: string; expression: string }[] | undefined) ?? []).map(
    (component) => {
      const target = parameterByUrl(component.definition);
      return {
        type: (target?.type ?? 'token') as SearchParamType,
        code: target?.code ?? component.definition,
        expression: splitUnion(component.expression)
          .map((part) => asOfType(unwrap(part)))
          .join(' | '),
      };
    },
  );
  return {
    code: sp.code,
    type: sp.type as SearchParamType,
    url: sp.url,
    paths: sp.expression === undefined ? [] : pathsFor(type, sp.expression),
    targets: (sp.target as string[] | undefined) ?? [],
    components,
  };
}

/** The search parameters of a resource type by code (empty for an unknown type); built once per type. */
export function searchParameters(type: string): ReadonlyMap<string, SearchParamDefinition> {
  let params = byType.get(type);
  if (!params) {
    const map = new Map<string, SearchParamDefinition>();
    for (const sp of definitions().searchParameters(type)) map.set(sp.code, definitionFor(type, sp));
    params = map;
    byType.set(type, params);
  }
  return params;
}

/** One parameter of a type, or undefined. */
export function searchParameter(type: string, code: string): SearchParamDefinition | undefined {
  return searchParameters(type).get(code);
}
