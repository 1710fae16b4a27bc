// Normalizations shared by index writing and search: strings compared case- and accent-insensitively,
// and the precision range of a decimal (`100` covers [99.5, 100.5), `100.0` [99.95, 100.05), `1e2` [95, 105)).

/** Lower case without diacritics: 'Müller' → 'muller'. */
export function normalizeString(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface DecimalRange {
  /** Exact decimal texts (numeric in SQL), so no binary rounding creeps in. */
  value: string;
  low: string;
  high: string;
}

const decimalPattern = /^([+-]?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

function scaled(digits: bigint, scale: number): string {
  const negative = digits < 0n;
  let text = (negative ? -digits : digits).toString();
  if (scale <= 0) return `${negative ? '-' : ''}${text}${'0'.repeat(-scale)}`;
  text = text.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${text.slice(0, -scale)}.${text.slice(-scale)}`;
}

/** The decimal and its implicit precision range, or undefined when the text is not a decimal. */
export function decimalRange(text: string): DecimalRange | undefined {
  const match = decimalPattern.exec(text.trim());
  if (!match) return undefined;
  const [, sign, whole, fraction = '', exponent] = match;
  const scale = fraction.length - Number(exponent ?? '0');
  if (Math.abs(scale) > 1000) return undefined;
  const digits = BigInt(`${sign}${whole}${fraction}`);
  // Half a unit in the last place (one digit finer with an exponent: R4 reads 1e2 as [95, 105)).
  const precision = scale + (exponent === undefined ? 1 : 2);
  const wide = digits * 10n ** BigInt(precision - scale);
  return {
    value: scaled(digits, scale),
    low: scaled(wide - 5n, precision),
    high: scaled(wide + 5n, precision),
  };
}
