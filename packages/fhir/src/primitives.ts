// Checks a primitive value: its JSON type, the R4 regex of its type, integer ranges and real calendar dates.
import { definitions } from './definitions.ts';

const REGEX_EXTENSION = 'http://hl7.org/fhir/StructureDefinition/regex';
const NUMBER_TYPES = new Set(['integer', 'decimal', 'positiveInt', 'unsignedInt']);
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
/** The spec caps strings at 1 MB; base64Binary and xhtml may be larger. */
const MAX_STRING_LENGTH = 1024 * 1024;

interface PrimitiveRule {
  jsonType: 'string' | 'number' | 'boolean';
  pattern: RegExp | undefined;
}

const rules = new Map<string, PrimitiveRule | undefined>();

function buildRule(type: string): PrimitiveRule | undefined {
  const sd = definitions().structureDefinition(type);
  if (sd?.kind !== 'primitive-type') return undefined;
  const valueElement = sd.snapshot.element.find((e) => e.path === `${type}.value`);
  const regex = valueElement?.type?.[0]?.extension?.find((e) => e.url === REGEX_EXTENSION) as
    | { valueString?: string }
    | undefined;
  const jsonType = type === 'boolean' ? 'boolean' : NUMBER_TYPES.has(type) ? 'number' : 'string';
  const pattern = regex?.valueString ? javaRegex(regex.valueString) : undefined;
  return { jsonType, pattern };
}

const JAVA_SPACE = ' \\t\\n\\x0B\\f\\r';

/**
 * The R4 regexes are written for Java, where \s and \S mean ASCII whitespace only; JavaScript's also
 * cover Unicode spaces (a no-break space in a description would wrongly fail). Anchored: a regex
 * describes the whole value.
 */
function javaRegex(source: string): RegExp {
  if (source === '[ \\r\\n\\t\\S]+') return /^[^\v\f]+$/; // string, markdown: anything but VT/FF
  const translated = source
    .replaceAll('[^\\s]', `[^${JAVA_SPACE}]`)
    .replaceAll('\\s', `[${JAVA_SPACE}]`)
    .replaceAll('\\S', `[^${JAVA_SPACE}]`);
  return new RegExp(`^(?:${translated})$`);
}

function ruleFor(type: string): PrimitiveRule | undefined {
  if (!rules.has(type)) rules.set(type, buildRule(type));
  return rules.get(type);
}

function isRealDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return true; // year or year-month only
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A problem description (without the value) or undefined when the value is valid for the type. */
export function primitiveProblem(type: string, value: unknown): string | undefined {
  const rule = ruleFor(type);
  if (!rule) return undefined;
  if (typeof value !== rule.jsonType) {
    return `A ${type} must be a JSON ${rule.jsonType}, found a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}`;
  }
  if (rule.jsonType === 'number') {
    const n = value as number;
    if (!Number.isFinite(n)) return `A ${type} must be a finite number`;
    if (type === 'decimal') return undefined;
    if (!Number.isInteger(n)) return `A ${type} must be a whole number`;
    if (n < INT32_MIN || n > INT32_MAX) return `A ${type} must fit in a signed 32-bit integer`;
    if (type === 'positiveInt' && n < 1) return 'A positiveInt must be 1 or more';
    if (type === 'unsignedInt' && n < 0) return 'An unsignedInt must be 0 or more';
    return undefined;
  }
  if (rule.jsonType === 'string') {
    const text = value as string;
    if (text.length > MAX_STRING_LENGTH && type !== 'base64Binary' && type !== 'xhtml') {
      return `A ${type} must not exceed 1 MB`;
    }
    if (type === 'xhtml')
      return /^\s*<div[\s>]/.test(text) ? undefined : 'Narrative XHTML must be a <div> element';
    if (type === 'base64Binary') {
      // Same language as the R4 regex, checked without its backtracking on large attachments.
      const compact = text.replace(/\s+/g, '');
      return compact.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(compact)
        ? undefined
        : 'The value is not valid base64';
    }
    if (rule.pattern && !rule.pattern.test(text)) return `The value is not a valid ${type} (R4 format rule)`;
    if ((type === 'date' || type === 'dateTime' || type === 'instant') && !isRealDate(text)) {
      return `The value is not a valid ${type}: that calendar day does not exist`;
    }
  }
  return undefined;
}
