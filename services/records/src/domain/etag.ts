// Version ids on the wire: ETag `W/"<vid>"`, If-Match in its weak or strong form, and the conditional
// read validators (If-None-Match, If-Modified-Since) that turn a read into 304 Not Modified.
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

/**
 * True when a read's validators say the client's copy is current (RFC 9110 §13.1.2–3): If-None-Match
 * (`*`, or a list of tags compared weakly with the version) decides when present; otherwise
 * If-Modified-Since, compared to the second, with an unparseable date ignored.
 */
export function notModified(
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
  versionId: string,
  lastUpdated: string,
): boolean {
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch.trim() === '*') return true;
    return ifNoneMatch
      .split(',')
      .map((tag) => /^\s*(?:W\/)?"([^"]*)"\s*$/.exec(tag)?.[1])
      .some((tagged) => tagged === versionId);
  }
  if (ifModifiedSince === undefined) return false;
  const since = Date.parse(ifModifiedSince);
  if (Number.isNaN(since)) return false;
  return Math.floor(Date.parse(lastUpdated) / 1000) <= Math.floor(since / 1000);
}
