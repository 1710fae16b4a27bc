// Which FHIR interaction a records request was, from its method and route template (never its raw
// URL), and the patients a request names in its path or search parameters. Pure.
import type { AuditInteraction } from '@healthlane/audit';

export interface AuditedRequest {
  interaction: AuditInteraction;
  type?: string;
  id?: string;
  vid?: string;
  /** Whether the query string is a search (stored base64 in the Query entity). */
  search: boolean;
}

type Params = Partial<Record<'type' | 'id' | 'vid' | 'member', string>>;

function operationOf(route: string): AuditInteraction {
  if (route.includes('$validate')) return 'validate';
  if (route.includes('$export')) return 'export';
  return 'operation';
}

/** The interaction, or undefined for requests that touch no health information (metadata, unknown routes). */
export function auditedRequest(
  method: string,
  route: string | undefined,
  params: Params,
  body: unknown,
): AuditedRequest | undefined {
  if (route === undefined || !route.startsWith('/fhir/R4') || route === '/fhir/R4/metadata') return undefined;
  const base = { type: params.type, id: params.id, vid: params.vid };
  const plain = (interaction: AuditInteraction, search = false): AuditedRequest => ({
    ...base,
    interaction,
    search,
  });
  if (route.includes('$')) return plain(operationOf(route));
  if (params.member?.startsWith('$')) return plain(operationOf(params.member));
  if (route === '/fhir/R4') {
    if (method === 'POST') {
      return plain((body as { type?: unknown } | undefined)?.type === 'batch' ? 'batch' : 'transaction');
    }
    return plain('search-system', true);
  }
  if (route === '/fhir/R4/_search') return plain('search-system', true);
  if (route.endsWith('/_history/:vid')) return plain('vread');
  if (route === '/fhir/R4/_history') return plain('history-system');
  if (route === '/fhir/R4/:type/_history') return plain('history-type');
  if (route === '/fhir/R4/:type/:id/_history') return plain('history-instance');
  if (route.endsWith('/_search')) return plain('search-type', true);
  if (route === '/fhir/R4/:type/:id') {
    const byMethod: Record<string, AuditInteraction> = {
      GET: 'read',
      HEAD: 'read',
      PUT: 'update',
      PATCH: 'patch',
      DELETE: 'delete',
    };
    return plain(byMethod[method] ?? 'operation');
  }
  if (route === '/fhir/R4/:type') {
    const byMethod: Record<string, AuditInteraction> = { POST: 'create', PUT: 'update', DELETE: 'delete' };
    const interaction = byMethod[method];
    // A conditional update or delete carries its criteria in the query: audited as the search it is.
    return interaction === undefined ? plain('search-type', true) : plain(interaction, method !== 'POST');
  }
  // Compartment searches (/fhir/R4/Patient/:id/:compartmentType) and other read routes.
  return plain(method === 'GET' ? 'search-type' : 'operation', method === 'GET');
}

const patientId = /^[A-Za-z0-9\-.]{1,64}$/;

/** 'Patient/<id>' for each patient the path or the search parameters name. */
export function patientsNamed(request: AuditedRequest, query: URLSearchParams): string[] {
  const patients = new Set<string>();
  if (request.type === 'Patient' && request.id !== undefined && patientId.test(request.id)) {
    patients.add(`Patient/${request.id}`);
  }
  if (!request.search) return [...patients];
  for (const [key, raw] of query) {
    const name = key.split(':', 1)[0];
    for (const value of raw.split(',')) {
      const reference = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
      if (reference !== null) patients.add(`Patient/${reference[1]}`);
      else if (
        (name === 'patient' || (name === '_id' && request.type === 'Patient')) &&
        patientId.test(value)
      ) {
        patients.add(`Patient/${value}`);
      }
    }
  }
  return [...patients];
}

/** The patients a resource belongs to by its usual subject elements (subject, patient, beneficiary). */
export function patientsOfResource(resource: unknown): string[] {
  if (typeof resource !== 'object' || resource === null) return [];
  const value = resource as Record<string, unknown>;
  if (value.resourceType === 'Patient' && typeof value.id === 'string') return [`Patient/${value.id}`];
  const patients: string[] = [];
  for (const element of ['subject', 'patient', 'beneficiary']) {
    const reference = (value[element] as { reference?: unknown } | undefined)?.reference;
    if (typeof reference === 'string') {
      const match = /(?:^|\/)Patient\/([A-Za-z0-9\-.]{1,64})$/.exec(reference);
      if (match !== null) patients.push(`Patient/${match[1]}`);
    }
  }
  return patients;
}
