// The FHIR R4 searches and reads the console makes against records (/fhir/R4), as standard FHIR
// search URLs, so any conformant server answers them.
import type {
  AllergyIntolerance,
  Bundle,
  Condition,
  Encounter,
  MedicationRequest,
  Observation,
  Patient,
  Resource,
} from '../fhir/types.ts';
import type { Api } from './http.ts';

const base = '/fhir/R4';

export interface Page<T> {
  resources: T[];
  total?: number;
  /** The server's own next-page link (relative to the origin), when there is one. */
  next?: string;
}

export function searchUrl(type: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, value);
  return `${base}/${type}?${query.toString()}`;
}

export async function search<T extends Resource>(
  api: Api,
  url: string,
  type: T['resourceType'],
): Promise<Page<T>> {
  const bundle = await api.json<Bundle<T>>(url);
  const resources = (bundle.entry ?? [])
    .filter((entry) => entry.search?.mode !== 'include' && entry.resource?.resourceType === type)
    .map((entry) => entry.resource as T);
  const next = bundle.link?.find((link) => link.relation === 'next')?.url;
  return { resources, total: bundle.total, next: next ? sameOriginPath(next) : undefined };
}

/** Next links are absolute; the console follows them only on its own origin. */
function sameOriginPath(url: string): string | undefined {
  const parsed = new URL(url, location.origin);
  return parsed.origin === location.origin ? `${parsed.pathname}${parsed.search}` : undefined;
}

export function findPatients(api: Api, text: string, count = 20): Promise<Page<Patient>> {
  const trimmed = text.trim();
  return search<Patient>(
    api,
    searchUrl('Patient', {
      name: trimmed === '' ? undefined : trimmed,
      _count: String(count),
      _sort: 'family',
      _total: 'accurate',
    }),
    'Patient',
  );
}

export function readPatient(api: Api, id: string): Promise<Patient> {
  return api.json<Patient>(`${base}/Patient/${encodeURIComponent(id)}`);
}

const forPatient = (id: string, extra: Record<string, string> = {}) => ({
  patient: `Patient/${id}`,
  _count: '100',
  ...extra,
});

export const chartQueries = {
  encounters: (api: Api, id: string) =>
    search<Encounter>(api, searchUrl('Encounter', forPatient(id, { _sort: '-date' })), 'Encounter'),
  conditions: (api: Api, id: string) =>
    search<Condition>(api, searchUrl('Condition', forPatient(id)), 'Condition'),
  medications: (api: Api, id: string) =>
    search<MedicationRequest>(
      api,
      searchUrl('MedicationRequest', forPatient(id, { _sort: '-authoredon' })),
      'MedicationRequest',
    ),
  allergies: (api: Api, id: string) =>
    search<AllergyIntolerance>(api, searchUrl('AllergyIntolerance', forPatient(id)), 'AllergyIntolerance'),
  vitalSigns: (api: Api, id: string) =>
    search<Observation>(
      api,
      searchUrl('Observation', forPatient(id, { category: 'vital-signs', _sort: '-date', _count: '500' })),
      'Observation',
    ),
  laboratory: (api: Api, id: string) =>
    search<Observation>(
      api,
      searchUrl('Observation', forPatient(id, { category: 'laboratory', _sort: '-date', _count: '200' })),
      'Observation',
    ),
};
