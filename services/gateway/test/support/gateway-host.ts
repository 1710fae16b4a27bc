// Test harness: the real kit host (in-memory PGlite, in-process bus) running the gateway, plus
// optional fixture services mounted after it, the way `healthlane start` composes them. The landing
// page rather than a console build that may or may not sit in apps/web/dist (tests pass their own).
import { type AnyServiceDefinition, type Host, startHost } from '@healthlane/kit';
import { gatewayService } from '../../src/index.ts';

export async function startGateway(
  env: Record<string, string> = {},
  extraServices: AnyServiceDefinition[] = [],
): Promise<Host> {
  return startHost({
    services: [gatewayService, ...extraServices],
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: 'memory://',
      GATEWAY_CONSOLE_DIR: 'none',
      // Edge concerns without an identity service: token checks are opted out here and proven on
      // their own in authenticate.test.ts.
      HEALTHLANE_AUTH: 'off',
      ...env,
    },
  });
}
