// How the console shows FHIR values to a clinician: names, dates, ages, codes, quantities.
import type { CodeableConcept, HumanName, Patient, Quantity } from './types.ts';

/** "Family, Given Middle" from the official name (else the first), or a stand-in. */
export function patientName(patient: Pick<Patient, 'name'>): string {
  const names = patient.name ?? [];
  const name = names.find((candidate) => candidate.use === 'official') ?? names[0];
  return name ? humanName(name) : 'Unnamed patient';
}

export function humanName(name: HumanName): string {
  if (name.family || name.given?.length) {
    const given = (name.given ?? []).join(' ');
    return name.family ? (given ? `${name.family}, ${given}` : name.family) : given;
  }
  return name.text?.trim() || 'Unnamed patient';
}

/** Whole years between an ISO birth date and `today` (both calendar dates); undefined if unknown. */
export function ageInYears(birthDate: string | undefined, today: Date): number | undefined {
  const match = birthDate ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate) : null;
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2] ?? '1');
  const day = Number(match[3] ?? '1');
  let age = today.getUTCFullYear() - year;
  const beforeBirthday =
    today.getUTCMonth() + 1 < month || (today.getUTCMonth() + 1 === month && today.getUTCDate() < day);
  if (beforeBirthday) age -= 1;
  return age >= 0 ? age : undefined;
}

/** The text of a concept: its text, else the first display, else the first code. */
export function conceptText(concept: CodeableConcept | undefined): string {
  if (!concept) return '—';
  return (
    concept.text ??
    concept.coding?.find((coding) => coding.display)?.display ??
    concept.coding?.find((coding) => coding.code)?.code ??
    '—'
  );
}

/** A date or date-time as the clinician's locale shows it; the date alone when there is no time. */
export function formatDateTime(value: string | undefined, locale?: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return value;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(value)) {
    return date.toLocaleDateString(locale, {
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      timeZone: 'UTC',
    });
  }
  return date.toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatQuantity(quantity: Quantity | undefined): string {
  if (quantity?.value === undefined) return '—';
  const value = Number.isInteger(quantity.value) ? String(quantity.value) : quantity.value.toFixed(1);
  const unit = quantity.unit ?? quantity.code ?? '';
  return unit ? `${value} ${unit}` : value;
}

/** The id in a literal reference such as "Patient/123" (or its absolute form); undefined otherwise. */
export function referenceId(reference: string | undefined, type: string): string | undefined {
  if (!reference) return undefined;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(reference);
  return match?.[1];
}
