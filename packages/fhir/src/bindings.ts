// Required-binding checks for code, Coding and CodeableConcept values against the R4 ValueSets.
import { acceptsCode, acceptsCoding, expansionOf } from './terminology.ts';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function codingAccepted(valueSet: string, coding: unknown): boolean {
  if (!isObject(coding)) return false;
  const system = typeof coding.system === 'string' ? coding.system : undefined;
  const code = typeof coding.code === 'string' ? coding.code : undefined;
  return acceptsCoding(expansionOf(valueSet), system, code);
}

/** A problem description (never the code itself), or undefined when the value satisfies the binding. */
export function bindingProblem(type: string, value: unknown, valueSet: string): string | undefined {
  const name = valueSet.split('|')[0];
  if (type === 'code' || type === 'string' || type === 'uri') {
    if (typeof value !== 'string' || acceptsCode(expansionOf(valueSet), value)) return undefined;
    return `The code is not in the required value set ${name}`;
  }
  if (type === 'Coding') {
    return codingAccepted(valueSet, value)
      ? undefined
      : `The coding is not in the required value set ${name}`;
  }
  if (type === 'CodeableConcept' && isObject(value)) {
    const codings = Array.isArray(value.coding) ? value.coding : [];
    if (codings.some((coding) => codingAccepted(valueSet, coding))) return undefined;
    return codings.length === 0
      ? `A coding from the required value set ${name} is needed (text alone is not enough)`
      : `None of the codings is in the required value set ${name}`;
  }
  return undefined;
}
