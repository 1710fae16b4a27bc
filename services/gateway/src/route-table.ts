// The gateway's routing table: which path prefix goes to which upstream, matched longest prefix first.

export interface UpstreamRoute {
  /** Path prefix without a trailing slash, e.g. '/fhir'. */
  prefix: string;
  /** Origin (and optional base path) of the service answering it, e.g. 'http://127.0.0.1:8101'. */
  upstream: string;
}

export type ParsedRouteTable = { ok: true; routes: UpstreamRoute[] } | { ok: false; problems: string[] };

/**
 * Parses `/fhir=http://127.0.0.1:8101,/monitoring=http://127.0.0.1:8102`. Every bad entry is
 * reported, so an operator fixes them all at once. The result is sorted longest prefix first.
 */
export function parseRouteTable(text: string): ParsedRouteTable {
  const routes: UpstreamRoute[] = [];
  const problems: string[] = [];
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const separator = entry.indexOf('=');
    const prefix = normalizePrefix(separator > 0 ? entry.slice(0, separator).trim() : '');
    const upstream = separator > 0 ? entry.slice(separator + 1).trim() : '';
    if (!/^(\/[A-Za-z0-9._~-]+)+$/.test(prefix)) {
      problems.push(`"${entry}": expected /prefix=http://host:port with a non-root path prefix`);
      continue;
    }
    if (!isHttpUrl(upstream)) {
      problems.push(`"${entry}": upstream must be an http(s) URL`);
      continue;
    }
    if (routes.some((route) => route.prefix === prefix)) {
      problems.push(`"${entry}": prefix ${prefix} is listed twice`);
      continue;
    }
    routes.push({ prefix, upstream: upstream.replace(/\/+$/, '') });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, routes: routes.sort((a, b) => b.prefix.length - a.prefix.length) };
}

/** The route whose prefix is the longest whole-segment match of the path ('/fhir' matches '/fhir/R4', not '/fhirx'). */
export function matchRoute(routes: readonly UpstreamRoute[], path: string): UpstreamRoute | undefined {
  const pathname = path.split('?', 1)[0] ?? '';
  return routes.find((route) => pathname === route.prefix || pathname.startsWith(`${route.prefix}/`));
}

function normalizePrefix(prefix: string): string {
  return prefix.length > 1 ? prefix.replace(/\/+$/, '') : prefix;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.search === '' && url.hash === '';
  } catch {
    return false;
  }
}
