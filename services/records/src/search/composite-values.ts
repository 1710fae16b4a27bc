// Composite search values (`code-value-quantity=http://loinc.org|8480-6$gt100`): the first component
// matches the indexed columns, the others the JSON components stored beside it (rest).
import { normalizeString, type SearchParamDefinition } from '@healthlane/fhir';
import { splitEscaped, unescapeValue } from './escape.ts';
import { datePredicate, numberPredicate } from './ordered-values.ts';
import { invalidSearch } from './search-error.ts';
import { bind, type SqlContext } from './sql-context.ts';
import { prefixRange, tokenPredicate } from './text-values.ts';

function restPredicate(ctx: SqlContext, type: string, k: number, value: string): string {
  const field = (name: string) => `(i.rest->${k}->>'${name}')`;
  switch (type) {
    case 'token': {
      const parts = splitEscaped(value, '|', true);
      const code = parts.at(-1)!;
      const conditions = code === '' ? [] : [`${field('c')} = ${bind(ctx, code)}`];
      if (parts.length === 2) {
        conditions.push(parts[0] === '' ? `${field('s')} IS NULL` : `${field('s')} = ${bind(ctx, parts[0])}`);
      }
      if (conditions.length === 0) throw invalidSearch('A composite token component is empty');
      return `(${conditions.join(' AND ')})`;
    }
    case 'quantity': {
      const parts = splitEscaped(value, '|', true);
      const conditions = [numberPredicate(ctx, parts[0]!, `${field('v')}::numeric`)];
      if (parts.length === 3) {
        if (parts[1] !== '') conditions.push(`${field('s')} = ${bind(ctx, parts[1])}`);
        if (parts[2] !== '')
          conditions.push(
            `(${field('c')} = ${bind(ctx, parts[2])} OR ${field('u')} = ${bind(ctx, parts[2])})`,
          );
      }
      return `(${conditions.join(' AND ')})`;
    }
    case 'number':
      return numberPredicate(ctx, value, `${field('v')}::numeric`);
    case 'date':
      return datePredicate(
        ctx,
        value,
        `to_timestamp(${field('lo')}::float8 / 1000)`,
        `to_timestamp(${field('hi')}::float8 / 1000)`,
      );
    case 'string':
      return prefixRange(ctx, field('n'), normalizeString(unescapeValue(value)));
    default:
      return `coalesce(${field('r')}, ${field('n')}) = ${bind(ctx, unescapeValue(value))}`;
  }
}

export function compositePredicate(ctx: SqlContext, def: SearchParamDefinition, value: string): string {
  const parts = splitEscaped(value, '$', false);
  if (parts.length !== def.components.length) {
    throw invalidSearch(`A ${def.code} search value needs ${def.components.length} parts separated by $`);
  }
  const [first, ...rest] = def.components;
  const conditions = [
    first!.type === 'token'
      ? tokenPredicate(ctx, parts[0]!, undefined)
      : `i.value = ${bind(ctx, unescapeValue(parts[0]!))}`,
  ];
  rest.forEach((component, k) => {
    conditions.push(restPredicate(ctx, component.type, k, parts[k + 1]!));
  });
  return `(${conditions.join(' AND ')})`;
}
