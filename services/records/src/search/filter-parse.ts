// `_filter` (R4 search 3.1.1.4.15, the common subset): `param op value` comparisons joined with
// `and`/`or`, `not (...)` and parentheses; a param may be a chain (`subject.name`). Each comparison
// becomes the criterion the matching search parameter and modifier would be, so it is answered
// from the same indexes. Not supported (400): `[...]` path filters, `ew`, `re`, `po`, string `ne`.
import type { Criterion } from './model.ts';
import { parseName } from './parse-criteria.ts';
import { invalidSearch, unsupported } from './search-error.ts';

const maxLength = 2000;
const maxDepth = 16;
const prefixOps = new Set(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

type Token = { kind: 'word' | 'string' | '(' | ')'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ kind: char, text: char });
      i++;
    } else if (char === '"') {
      let value = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) i++;
        value += text[i++];
      }
      if (text[i] !== '"') throw invalidSearch('_filter has an unterminated string');
      i++;
      tokens.push({ kind: 'string', text: value });
    } else {
      let word = '';
      while (i < text.length && !/[\s()"]/.test(text[i]!)) word += text[i++];
      tokens.push({ kind: 'word', text: word });
    }
  }
  return tokens;
}

/** The comparison's leaf criteria (one per chain target), where the modifier and value go. */
function leaves(criterion: Criterion): Extract<Criterion, { kind: 'param' }>[] {
  if (criterion.kind === 'param') return [criterion];
  if (criterion.kind === 'chain') return criterion.next.flatMap(leaves);
  if (criterion.kind === 'has') return leaves(criterion.next);
  return [];
}

/** [modifier, value] for `op value` on a parameter of `paramType`. */
function modifierFor(paramType: string, op: string, value: string): [string | undefined, string] {
  if (op === 'pr') {
    if (value !== 'true' && value !== 'false') throw invalidSearch('_filter pr takes true or false');
    return ['missing', value === 'true' ? 'false' : 'true'];
  }
  switch (paramType) {
    case 'token':
    case '_id': {
      const modifiers: Record<string, string | undefined> = { eq: undefined, ne: 'not' };
      if (paramType === 'token')
        Object.assign(modifiers, { in: 'in', ni: 'not-in', sb: 'below', ss: 'above' });
      if (op in modifiers) return [modifiers[op], value];
      break;
    }
    case 'string':
      if (op === 'eq') return ['filter-eq', value];
      if (op === 'sw') return [undefined, value];
      if (op === 'co') return ['contains', value];
      break;
    case 'uri':
      if (op === 'eq') return [undefined, value];
      if (op === 'sb') return ['below', value];
      if (op === 'ss') return ['above', value];
      break;
    case 'date':
    case 'number':
    case 'quantity':
    case '_lastUpdated':
      if (prefixOps.has(op)) return [undefined, `${op}${value}`];
      break;
    case 'reference':
    case '_list':
      if (op === 'eq') return [undefined, value];
      break;
    case '_content':
    case '_text':
      if (op === 'eq' || op === 'co') return [undefined, value];
      break;
  }
  throw unsupported(
    `_filter: the operation ${/^[a-z]{2}$/.test(op) ? op : '(unknown)'} is not supported on ${paramType} parameters`,
  );
}

class FilterParser {
  private at = 0;
  private readonly type: string;
  private readonly tokens: Token[];

  constructor(type: string, tokens: Token[]) {
    this.type = type;
    this.tokens = tokens;
  }

  parse(): Criterion {
    const result = this.or(0);
    if (this.at < this.tokens.length) throw invalidSearch('_filter has text after the end of the expression');
    return result;
  }

  private peekWord(word: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === 'word' && token.text.toLowerCase() === word;
  }

  private or(depth: number): Criterion {
    const parts = [this.and(depth)];
    while (this.peekWord('or')) {
      this.at++;
      parts.push(this.and(depth));
    }
    return parts.length === 1 ? parts[0]! : { kind: 'filter', type: this.type, op: 'or', parts };
  }

  private and(depth: number): Criterion {
    const parts = [this.unary(depth)];
    while (this.peekWord('and')) {
      this.at++;
      parts.push(this.unary(depth));
    }
    return parts.length === 1 ? parts[0]! : { kind: 'filter', type: this.type, op: 'and', parts };
  }

  private group(depth: number): Criterion {
    if (depth >= maxDepth) throw invalidSearch(`_filter nests at most ${maxDepth} levels deep`);
    if (this.tokens[this.at]?.kind !== '(') throw invalidSearch('_filter expects (');
    this.at++;
    const inner = this.or(depth + 1);
    if (this.tokens[this.at]?.kind !== ')') throw invalidSearch('_filter has an unclosed (');
    this.at++;
    return inner;
  }

  private unary(depth: number): Criterion {
    if (this.peekWord('not')) {
      this.at++;
      return { kind: 'filter', type: this.type, op: 'not', parts: [this.group(depth)] };
    }
    if (this.tokens[this.at]?.kind === '(') return this.group(depth);
    return this.comparison();
  }

  private comparison(): Criterion {
    const [path, op, value] = this.tokens.slice(this.at, this.at + 3);
    if (
      path?.kind !== 'word' ||
      op?.kind !== 'word' ||
      (value?.kind !== 'word' && value?.kind !== 'string')
    ) {
      throw invalidSearch('_filter expects parameter operation value');
    }
    this.at += 3;
    if (path.text.includes('[') || path.text.includes(':')) {
      throw unsupported('_filter paths with [filters] or modifiers are not supported');
    }
    if (value.text === '') throw invalidSearch('_filter has an empty value');
    const criterion = parseName(this.type, path.text, [value.text]);
    for (const leaf of leaves(criterion)) {
      const paramType = typeof leaf.param === 'string' ? leaf.param : leaf.param.type;
      const [modifier, leafValue] = modifierFor(paramType, op.text.toLowerCase(), value.text);
      leaf.modifier = modifier;
      leaf.values = [leafValue];
    }
    return criterion;
  }
}

/** One `_filter` value for a search on `type`, as a criterion. */
export function parseFilter(type: string, expression: string): Criterion {
  if (expression.length > maxLength) throw invalidSearch(`_filter is longer than ${maxLength} characters`);
  const tokens = tokenize(expression);
  if (tokens.length === 0) throw invalidSearch('_filter is empty');
  return new FilterParser(type, tokens).parse();
}
