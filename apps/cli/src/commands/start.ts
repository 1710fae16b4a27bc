// `healthlane start`: every registered service in one process, calling each other in-process.
import { runHost } from '@healthlane/kit';
import { servicePeerAuth, withServiceSecret } from '../auth/service-identity.ts';
import { type Command, parseCommandArgs } from '../command.ts';
import { loadRegistry, selectServices } from '../service-registry.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run every service in one process (the default, laptop-sized platform)',
  help: `Usage: healthlane start

Runs every registered service in one process on one port. Services call each other in-process.
Without DATABASE_URL the data lives in an embedded PostgreSQL (PGlite) under HEALTHLANE_DATA_DIR;
without NATS_URL events use the in-process bus. Stops gracefully on SIGTERM/SIGINT.

Environment:
  PORT (8080), HOST (0.0.0.0), LOG_LEVEL (info), HEALTHLANE_DATA_DIR (./.healthlane)
  DATABASE_URL, NATS_URL          use PostgreSQL / NATS JetStream instead (still one process)
  HEALTHLANE_SERVICES             comma-separated subset of services to run
  HEALTHLANE_SERVICE_CLIENT_SECRET  the services' own client secret (generated per run when unset)
  HEALTHLANE_EXTRA_SERVICES       comma-separated module paths adding services
  GATEWAY_CORS_ORIGINS, GATEWAY_HSTS   see the gateway's README

Exit codes: 0 stopped cleanly, 1 failed, 2 invalid usage or configuration.`,
  async run({ args, env }) {
    const { values } = parseCommandArgs(this, args, {}, { max: 0 });
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const services = selectServices(await loadRegistry(env), env);
    // Identity provisions the services' client with this secret; peer calls present its token.
    const hostEnv = withServiceSecret(env);
    // runHost validates all configuration first, then lives until a signal and exits itself.
    const peerAuth = servicePeerAuth(hostEnv);
    await runHost({ services, env: hostEnv, peers: 'in-process', ...(peerAuth ? { peerAuth } : {}) });
    return 0;
  },
};
