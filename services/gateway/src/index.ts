// The gateway service: the platform's single entry. In every mode it adds request ids (kit),
// security headers, CORS and the authentication hook point; when GATEWAY_ROUTES is set
// (distributed) it also forwards each prefix to the service process that owns it.
import { createPlatformVerifier } from '@healthlane/access';
import type { ServiceDefinition } from '@healthlane/kit';
import { addAuthentication } from './authenticate.ts';
import { type GatewayConfig, gatewayConfigSchema } from './config.ts';
import { addConsole, defaultConsoleDirs, findConsoleDir, loadConsoleFiles } from './console-files.ts';
import { addCors } from './cors.ts';
import { addLandingPage } from './landing-page.ts';
import { registerProxy } from './proxy.ts';
import { createRateLimiter } from './rate-limit.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { attachUpgradeProxy } from './upgrade-proxy.ts';

export type { GatewayConfig } from './config.ts';
export { gatewayConfigSchema } from './config.ts';
export { matchRoute, parseRouteTable, type UpstreamRoute } from './route-table.ts';

export const gatewayService: ServiceDefinition<GatewayConfig> = {
  name: 'gateway',
  description: 'Single entry: routing to services, request ids, security headers, CORS, the console',
  // The root: its page is GET /, and its proxy routes are whatever GATEWAY_ROUTES lists.
  // The cluster never routes to it (it is the entry), so this claims nothing from other services.
  prefixes: ['/'],
  config: gatewayConfigSchema,
  migrations: [],
  async create({ config, peers, bus, clock }) {
    // Tokens are verified here for every service of the process (all-in-one) or behind it (cluster).
    const access = config.access.auth
      ? createPlatformVerifier({ config: config.access, peers, bus, clock })
      : undefined;
    const limiter = createRateLimiter(config.rateLimitPerSecond, clock);
    let closeProxy: (() => Promise<void>) | undefined;
    let closeUpgrades: (() => void) | undefined;
    // The console replaces the landing page wherever a built one is found (see console-files.ts).
    const consoleDir =
      config.consoleDir === 'none' ? undefined : (config.consoleDir ?? findConsoleDir(defaultConsoleDirs()));
    const consoleFiles = consoleDir ? await loadConsoleFiles(consoleDir) : undefined;
    return {
      // Edge concerns cover every response of the process, not just the gateway's own routes.
      edge(app) {
        addSecurityHeaders(app, { hsts: config.hsts });
        addCors(app, config.corsOrigins);
        addAuthentication(app, { verifier: access?.verifier, limiter });
      },
      async routes(scope) {
        if (consoleFiles) addConsole(scope, consoleFiles);
        else addLandingPage(scope, { routes: config.routes });
        if (config.routes.length > 0) {
          closeProxy = await registerProxy(scope, {
            routes: config.routes,
            timeoutMs: config.upstreamTimeoutMs,
            idempotentRetryMs: config.idempotentRetryMs,
            bodyLimit: scope.initialConfig.bodyLimit ?? 8 * 1024 * 1024,
            requestId: (request) => request.id,
          });
          const verifier = access?.verifier;
          closeUpgrades = attachUpgradeProxy(scope.server, {
            routes: config.routes,
            ...(verifier
              ? {
                  authenticate: async (request) => {
                    const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
                    return token !== undefined && (await verifier.verify(token)).ok;
                  },
                }
              : {}),
          });
        }
      },
      async start() {
        await access?.start();
      },
      async stop() {
        await access?.stop();
        closeUpgrades?.();
        await closeProxy?.();
      },
    };
  },
};

export default gatewayService;
