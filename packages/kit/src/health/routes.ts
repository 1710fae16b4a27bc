// Probe and scrape endpoints: /livez (the process runs), /readyz (dependencies answer and the
// process is not draining), /metrics (Prometheus text format).
import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics/metrics.ts';
import type { Health } from './health.ts';

export const probeRoutes: ReadonlySet<string> = new Set(['/livez', '/readyz', '/metrics']);

export function registerProbeRoutes(app: FastifyInstance, health: Health, metrics: Metrics): void {
  // 'warn' keeps a probe every few seconds out of the request log unless it fails loudly.
  const quiet = { logLevel: 'warn' } as const;
  app.get('/livez', quiet, async () => ({ status: 'alive' }));
  app.get('/readyz', quiet, async (_request, reply) => {
    const report = await health.check();
    return reply.code(report.ready ? 200 : 503).send({ status: report.status, checks: report.checks });
  });
  app.get('/metrics', quiet, async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
