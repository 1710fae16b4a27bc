// `healthlane start`: every registered service in one process, calling each other in-process.
import { createHttpTransport, createTokenSource } from '@healthlane/client';
import { runHost } from '@healthlane/kit';
import {
  authIsOn,
  serviceClientDefaultId,
  serviceClientScope,
  servicePeerAuth,
  tokenPath,
  withServiceSecret,
} from '../auth/service-identity.ts';
import { type Command, type Environment, parseCommandArgs } from '../command.ts';
import { runDemoMonitors } from '../demo/demo-monitors.ts';
import { bootstrapFilePath, fileExists, startBanner } from '../demo/start-banner.ts';
import { loadRegistry, selectServices } from '../service-registry.ts';

export const startCommand: Command = {
  name: 'start',
  summary: 'run every service in one process (the default, laptop-sized platform)',
  help: `Usage: healthlane start

Runs every registered service in one process on one port. Services call each other in-process.
Without DATABASE_URL the data lives in an embedded PostgreSQL (PGlite) under HEALTHLANE_DATA_DIR;
without NATS_URL events use the in-process bus. Stops gracefully on SIGTERM/SIGINT.

Once up it prints the console's address; the first start of an empty data directory also prints
the users it created (admin; with the demo on, a nurse, a physician and a privacy officer) and
their generated passwords, once — they stay in HEALTHLANE_DATA_DIR/bootstrap.json (mode 0600).
With the demo on, simulated bedside monitors stream vitals for the demo patients.

Environment:
  PORT (8080), HOST (0.0.0.0), LOG_LEVEL (info), HEALTHLANE_DATA_DIR (./.healthlane)
  HEALTHLANE_DEMO (1)             demo patients, demo users and bedside monitors; 0 turns them off
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
    const file = bootstrapFilePath(env.HEALTHLANE_DATA_DIR || './.healthlane');
    const hadFile = await fileExists(file);
    const host = await runHost({
      services,
      env: hostEnv,
      peers: 'in-process',
      ...(peerAuth ? { peerAuth } : {}),
    });
    const hosted = new Set(services.map((service) => service.name));
    const demoMonitors = demoIsOn(env) && hosted.has('records') && hosted.has('monitoring');
    process.stdout.write(
      await startBanner({
        consoleUrl: `${(env.HEALTHLANE_PUBLIC_URL || `http://localhost:${new URL(host.url).port}`).replace(/\/+$/, '')}/`,
        file: hosted.has('identity') ? file : undefined,
        fresh: !hadFile && (await fileExists(file)),
        demoMonitors,
      }),
    );
    if (demoMonitors) {
      const stopDemo = new AbortController();
      process.once('SIGTERM', () => stopDemo.abort());
      process.once('SIGINT', () => stopDemo.abort());
      const logger = host.logger.child({ component: 'demo-monitors' });
      const token = serviceToken(hostEnv, host.url);
      void runDemoMonitors({
        url: host.url,
        ...(token ? { token } : {}),
        signal: stopDemo.signal,
        log: (line, level = 'info') => logger[level](line),
      });
    }
    return 0;
  },
};

function demoIsOn(env: Environment): boolean {
  return !['0', 'false'].includes((env.HEALTHLANE_DEMO ?? '').trim().toLowerCase());
}

/** The demo monitors act as the platform's own service client (its token, refreshed before expiry). */
function serviceToken(env: Environment, url: string): (() => Promise<string>) | undefined {
  const clientSecret = env.HEALTHLANE_SERVICE_CLIENT_SECRET;
  if (!authIsOn(env) || !clientSecret) return undefined;
  const source = createTokenSource({
    credentials: {
      clientId: env.HEALTHLANE_SERVICE_CLIENT_ID || serviceClientDefaultId,
      clientSecret,
      scope: serviceClientScope,
    },
    transport: createHttpTransport({ baseUrl: url }),
    tokenPath,
  });
  return () => source.token();
}
