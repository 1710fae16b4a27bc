// Wards and bed occupants from records: a ward is a FHIR Location (monitoring assigns a device's
// patient to the ward named by Device.location), patients are read in one `_id` search.
import type { Patient, Resource } from '../fhir/types.ts';
import { search, searchUrl } from './fhir.ts';
import type { Api } from './http.ts';

export interface Location extends Resource {
  resourceType: 'Location';
  name?: string;
  status?: string;
  physicalType?: { coding?: Array<{ code?: string; display?: string }> };
}

export async function listWards(api: Api): Promise<Location[]> {
  const page = await search<Location>(
    api,
    searchUrl('Location', { _count: '200', _sort: 'name' }),
    'Location',
  );
  return page.resources.filter((location) => location.status !== 'inactive');
}

export async function patientsById(api: Api, ids: readonly string[]): Promise<Map<string, Patient>> {
  const found = new Map<string, Patient>();
  for (let start = 0; start < ids.length; start += 50) {
    const slice = ids.slice(start, start + 50);
    const page = await search<Patient>(
      api,
      searchUrl('Patient', { _id: slice.join(','), _count: '50' }),
      'Patient',
    );
    for (const patient of page.resources) if (patient.id) found.set(patient.id, patient);
  }
  return found;
}
