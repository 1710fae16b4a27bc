// Number and quantity search (R4 search §number, §quantity): a search value's implicit range comes
// from its significant digits (100 → [99.5, 100.5)); eq/ne use that range, gt/lt/ge/le/sa/eb are
// answered both on the exact value and on the range and 'may' where the two readings differ;
// `number|system|code` matches system and code, `number||code` code or unit.
import type { TypedValue } from './extract.ts';
import { agreement, anyOf, type Verdict } from './verdict.ts';

type Prefix = 'eq' | 'ne' | 'gt' | 'lt' | 'ge' | 'le' | 'sa' | 'eb' | 'ap';

interface NumberQuery {
  prefix: Prefix;
  value: number;
  lo: number;
  hi: number;
}

export function parseNumberQuery(text: string): NumberQuery | undefined {
  const m = /^(eq|ne|gt|lt|ge|le|sa|eb|ap)?(-?\d+(?:\.(\d+))?)$/.exec(text);
  if (!m) return undefined;
  const value = Number(m[2]);
  const half = 0.5 * 10 ** -(m[3]?.length ?? 0);
  return { prefix: (m[1] ?? 'eq') as Prefix, value, lo: value - half, hi: value + half };
}

function numberVerdict(q: NumberQuery, t: number): Verdict {
  // Equal values are in range even where the bound arithmetic rounds (15 significant digits).
  const inRange = t === q.value || (t >= q.lo && t < q.hi);
  switch (q.prefix) {
    case 'eq':
      return inRange ? 'yes' : 'no';
    case 'ne':
      return inRange ? 'no' : 'yes';
    case 'gt':
    case 'sa':
      return agreement([t > q.value, t >= q.hi]);
    case 'lt':
    case 'eb':
      return agreement([t < q.value, t < q.lo]);
    case 'ge':
      return agreement([t >= q.value, t >= q.lo]);
    case 'le':
      return agreement([t <= q.value, t < q.hi]);
    case 'ap':
      // Recommended tolerance 10%; servers may choose otherwise: anything within 10% is 'may'.
      if (inRange) return 'yes';
      return Math.abs(t - q.value) <= Math.abs(q.value) * 0.1 ? 'may' : 'no';
  }
}

interface QuantityData {
  value?: number;
  unit?: string;
  system?: string;
  code?: string;
  currency?: string;
}

function unitVerdict(data: QuantityData, system: string | undefined, code: string | undefined): boolean {
  if (code === undefined || code === '')
    return system === undefined || system === '' || data.system === system;
  if (system === undefined || system === '') return data.code === code || data.unit === code;
  return data.system === system && data.code === code;
}

/** "5.4|http://unitsofmeasure.org|mg" against Quantity (Age, Duration, ...), Money and number values. */
export function matchQuantity(values: TypedValue[], query: string): Verdict {
  const [numberText = '', system, code] = query.split('|');
  const q = parseNumberQuery(numberText);
  if (!q) throw new Error('not a number search value');
  return anyOf(
    values.map((value): Verdict => {
      if (typeof value.value === 'number') return system === undefined ? numberVerdict(q, value.value) : 'no';
      if (value.type === 'Range' || value.type === 'SampledData') {
        // Ranges and sampled data have no single value; R4 leaves their comparison open.
        return 'may';
      }
      const data = value.value as QuantityData;
      if (value.type === 'Money') {
        const money = {
          value: data.value,
          system: 'urn:iso:std:iso:4217',
          code: data.currency,
        } as QuantityData;
        if (!unitVerdict(money, system, code) || money.value === undefined) return 'no';
        return numberVerdict(q, money.value);
      }
      if (typeof data.value !== 'number') return 'no';
      if (!unitVerdict(data, system, code)) return 'no';
      return numberVerdict(q, data.value);
    }),
  );
}
