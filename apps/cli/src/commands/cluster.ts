// `healthlane cluster`: every service as its own supervised process against PostgreSQL and NATS,
// behind the gateway: the laptop-sized stand-in for the Kubernetes deployment.
import { createLogger, env as envTypes, hostConfig, loadConfig } from '@healthlane/kit';
import { z } from 'zod';
import { withServiceSecret } from '../auth/service-identity.ts';
import { planCluster } from '../cluster/cluster-plan.ts';
import { runCluster } from '../cluster/run-cluster.ts';
import { selfInvocation } from '../cluster/self-invocation.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import { loadRegistry, selectServices } from '../service-registry.ts';

/** Shared storage is what makes separate processes one platform, so both URLs are required. */
export const clusterConfig = z.object({
  DATABASE_URL: envTypes.url(['postgres:', 'postgresql:']),
  NATS_URL: envTypes.text(),
  HEALTHLANE_CLUSTER_BASE_PORT: envTypes.port().default(8100),
  HEALTHLANE_CLUSTER_READY_TIMEOUT_MS: envTypes.durationMs().default(60_000),
});

export const clusterCommand: Command = {
  name: 'cluster',
  summary: 'run every service as its own supervised process (needs PostgreSQL and NATS)',
  help: `Usage: healthlane cluster

Starts each registered service except the gateway as 'healthlane serve <name>' on loopback
ports from HEALTHLANE_CLUSTER_BASE_PORT upward, then the gateway on PORT routing every
service's prefixes to it. A supervisor restarts a child that dies (back-off 250 ms doubling
to 15 s, reset after 30 s up). SIGTERM/SIGINT stops all children, then exits 0.

Environment:
  DATABASE_URL                        PostgreSQL shared by all services (required)
  NATS_URL                            NATS JetStream shared by all services (required)
  PORT (8080)                         the gateway's port, the cluster's single entry
  HEALTHLANE_CLUSTER_BASE_PORT (8100) first service port; 0 picks free ports
  HEALTHLANE_CLUSTER_READY_TIMEOUT_MS (60s)  give up when not every /readyz answers 200 by then
  HEALTHLANE_SERVICES, HEALTHLANE_EXTRA_SERVICES, NATS_STREAM, NATS_SUBJECT_PREFIX, LOG_LEVEL, ...

Exit codes: 0 stopped cleanly, 1 failed to start, 2 invalid usage or configuration.`,
  async run({ args, env }) {
    const { values } = parseCommandArgs(this, args, {}, { max: 0 });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const registry = await loadRegistry(env);
    // The gateway is the cluster's entry, so it runs whatever HEALTHLANE_SERVICES selects.
    const selected = selectServices(registry, env);
    const services = registry.filter((service) => service.name === 'gateway' || selected.includes(service));
    // Every child's configuration is checked here, so a mistake stops the cluster before any spawn.
    const schemas = Object.fromEntries(
      services.map((service) => [`service ${service.name}`, service.config]),
    );
    const config = loadConfig({ host: hostConfig, cluster: clusterConfig, ...schemas }, env);

    const plan = await planCluster({
      services,
      gatewayPort: config.host.PORT,
      basePort: config.cluster.HEALTHLANE_CLUSTER_BASE_PORT,
    });
    // One public URL for every process (token issuer and audience), the gateway's by default.
    const publicUrl = env.HEALTHLANE_PUBLIC_URL || `http://localhost:${plan.gateway.port}`;
    return runCluster({
      plan,
      self: selfInvocation(),
      // One generated service client secret (unless given) for identity and every child.
      env: { ...withServiceSecret(env), HEALTHLANE_PUBLIC_URL: publicUrl },
      logger: createLogger({ level: config.host.LOG_LEVEL, service: 'cluster' }),
      readyTimeoutMs: config.cluster.HEALTHLANE_CLUSTER_READY_TIMEOUT_MS,
      // Children get SHUTDOWN_TIMEOUT_MS to drain; a little more before SIGKILL.
      stopTimeoutMs: config.host.SHUTDOWN_TIMEOUT_MS + 5_000,
    });
  },
};
