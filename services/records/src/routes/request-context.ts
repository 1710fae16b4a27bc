// What the domain needs to know about an HTTP request: its FHIR base URL, principal, and a few headers.
import { principalOf } from '@healthlane/access';
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../domain/resource-service.ts';

export const fhirBasePath = '/fhir/R4';

export function contextOf(request: FastifyRequest): RequestContext {
  const principal = principalOf(request);
  return {
    baseUrl: `${request.protocol}://${request.host}${fhirBasePath}`,
    ...(principal === undefined ? {} : { principal }),
  };
}

/** One header's value; repeated headers are joined as HTTP allows. */
export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** The raw query string (escapes intact), without the leading '?'. */
export function rawQuery(request: FastifyRequest): string {
  const at = request.url.indexOf('?');
  return at < 0 ? '' : request.url.slice(at + 1);
}
