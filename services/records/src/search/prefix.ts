// Comparison prefixes of ordered search values (number, date, quantity): eq ne gt lt ge le sa eb ap.
export type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

const prefixes = new Set<string>(['eq', 'ne', 'gt', 'lt', 'ge', 'le', 'sa', 'eb', 'ap']);

/** Splits `ge2020` into ['ge', '2020']; no prefix means eq. */
export function splitPrefix(value: string): [Prefix, string] {
  const head = value.slice(0, 2);
  if (prefixes.has(head) && value.length > 2 && !/^[a-z]$/.test(value[2]!)) {
    return [head as Prefix, value.slice(2)];
  }
  return ['eq', value];
}
