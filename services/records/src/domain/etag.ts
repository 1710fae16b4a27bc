// Version ids on the wire: ETag `W/"<vid>"`, and If-Match in its weak or strong form.
import { Problem } from '@healthlane/kit';

export function formatETag(versionId: string): string {
  return `W/"${versionId}"`;
}

/**
 * The version id an If-Match header (or Bundle `request.ifMatch`) asks for. Accepts `W/"3"`, `"3"`
 * and, leniently, a bare `3`; anything else is refused rather than silently ignored.
 */
export function parseIfMatch(header: string): string {
  const match = /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(header) ?? /^\s*([A-Za-z0-9\-.]{1,64})\s*$/.exec(header);
  if (!match || match[1] === '') {
    throw Problem.invalid('If-Match must be an entity tag such as W/"3"', {
      issues: [
        { severity: 'error', code: 'invalid', diagnostics: 'If-Match is not an entity tag', expression: [] },
      ],
    });
  }
  return match[1]!;
}

/** HTTP-date for Last-Modified, from a FHIR instant. */
export function httpDate(instant: string): string {
  return new Date(instant).toUTCString();
}
