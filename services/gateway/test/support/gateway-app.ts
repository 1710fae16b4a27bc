// Test harness without a database: the kit's HTTP app with the gateway mounted in its own scope,
// as the host mounts services. For proxy tests, where PGlite start-up would only cost time.
import { createHttpApp, createLogger, hostConfig, initTracing, loadConfig } from '@healthlane/kit';
import type { FastifyInstance } from 'fastify';
import { gatewayConfigSchema } from '../../src/config.ts';
import { gatewayService } from '../../src/index.ts';

export interface GatewayApp {
  url: string;
  app: FastifyInstance;
  stop(): Promise<void>;
}

export async function startGatewayApp(env: Record<string, string>): Promise<GatewayApp> {
  // The landing page unless a test names a console folder (see gateway-host.ts).
  const config = loadConfig(
    { host: hostConfig, gateway: gatewayConfigSchema },
    { GATEWAY_CONSOLE_DIR: 'none', ...env },
  );
  const logger = createLogger({ level: 'silent', service: 'gateway' });
  // Real spans, so the test can tell the gateway's span from the caller's in traceparent.
  const tracing = initTracing({ serviceName: 'gateway' });
  const app = createHttpApp({ logger, bodyLimitBytes: config.host.BODY_LIMIT_BYTES });
  // The gateway reads only its config; the other ports are not used by it.
  const instance = await gatewayService.create({ config: config.gateway } as Parameters<
    typeof gatewayService.create
  >[0]);
  await app.register(async (scope) => {
    await instance.routes?.(scope);
  });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    async stop() {
      await app.close();
      await instance.stop?.();
      await tracing.shutdown();
    },
  };
}
