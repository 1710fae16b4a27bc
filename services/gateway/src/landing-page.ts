// GET / — a small, real front page of the platform until the console (apps/web) replaces it:
// what this process serves, where the probes are, and the APIs that are mounted or routed.
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { UpstreamRoute } from './route-table.ts';
import { documentPolicy } from './security-headers.ts';

/** APIs the page links to when a service answers them; later services add their entry. */
const knownApis = [
  { service: 'records', title: 'FHIR R4 capability statement', method: 'GET', path: '/fhir/R4/metadata' },
] as const;

const style = [
  'body{font:16px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1b2733}',
  'h1{font-size:1.6rem;margin-bottom:.2rem}p.lead{margin-top:0;color:#51606e}',
  'table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde3e8}',
  'code{font-size:.9em}a{color:#0b61a4}',
].join('');
// The stylesheet is inline and allowed by its hash, so the page needs no 'unsafe-inline'.
const styleHash = createHash('sha256').update(style).digest('base64');
const pagePolicy = documentPolicy.replace(
  "default-src 'self'",
  `default-src 'self'; style-src 'sha256-${styleHash}'`,
);

export interface LandingPageOptions {
  routes: readonly UpstreamRoute[];
}

export function addLandingPage(app: FastifyInstance, options: LandingPageOptions): void {
  app.get('/', async (_request, reply) => {
    const apis = knownApis.filter(
      (api) => app.hasRoute({ method: api.method, url: api.path }) || proxied(options.routes, api.path),
    );
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', pagePolicy)
      .header('cache-control', 'no-store')
      .send(render(apis, options.routes));
  });
}

function proxied(routes: readonly UpstreamRoute[], path: string): boolean {
  return routes.some((route) => path === route.prefix || path.startsWith(`${route.prefix}/`));
}

function render(apis: ReadonlyArray<(typeof knownApis)[number]>, routes: readonly UpstreamRoute[]): string {
  const apiRows = apis.length
    ? apis
        .map((api) => `<tr><td>${api.service}</td><td><a href="${api.path}">${api.title}</a></td></tr>`)
        .join('')
    : '<tr><td colspan="2">No clinical service is running in this deployment yet.</td></tr>';
  // Upstream addresses are internal; the page names only the public prefixes.
  const routeRows = routes
    .map((route) => `<tr><td><code>${route.prefix}</code></td><td>separate service process</td></tr>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>HealthLane</title><style>${style}</style></head>
<body><h1>HealthLane</h1>
<p class="lead">Open-source healthcare platform: FHIR R4 record, patient monitoring, scheduling, telehealth.</p>
<h2>APIs</h2><table>${apiRows}</table>
${routeRows ? `<h2>Routed prefixes</h2><table>${routeRows}</table>` : ''}
<h2>Operations</h2><table>
<tr><td><a href="/livez">/livez</a></td><td>the process is alive</td></tr>
<tr><td><a href="/readyz">/readyz</a></td><td>dependencies answer and the process takes traffic</td></tr>
<tr><td><a href="/metrics">/metrics</a></td><td>Prometheus metrics</td></tr>
</table>
<p>This page stands in until the clinician console is served here.</p>
</body></html>
`;
}
