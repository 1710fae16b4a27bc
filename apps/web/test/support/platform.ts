// Test harness: the real platform for browser tests — the kit host with the services in-process
// (as `healthlane start` composes them), in-memory PGlite and the in-process bus, the gateway
// serving a console built for this test file.
import { auditService } from '@healthlane/audit-service';
import { gatewayService } from '@healthlane/gateway';
import { type AnyServiceDefinition, type Host, startHost } from '@healthlane/kit';
import { monitoringService } from '@healthlane/monitoring';
import { recordsService } from '@healthlane/records';
import { buildConsoleInto, type ConsoleBuild } from './console-build.ts';

export interface Platform {
  host: Host;
  url: string;
  build: ConsoleBuild;
  stop(): Promise<void>;
}

export async function startPlatform(env: Record<string, string> = {}): Promise<Platform> {
  const build = await buildConsoleInto();
  const services = [
    gatewayService,
    recordsService,
    monitoringService,
    auditService,
  ] as AnyServiceDefinition[];
  const host = await startHost({
    services,
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'silent',
      HEALTHLANE_DATA_DIR: 'memory://',
      HEALTHLANE_DEMO: '0',
      HEALTHLANE_AUTH: 'off',
      GATEWAY_CONSOLE_DIR: build.dir,
      ...env,
    },
  });
  return {
    host,
    url: host.url,
    build,
    async stop() {
      await host.stop();
      await build.remove();
    },
  };
}

/** A JSON call to the platform (the test acting as another client: a device, a second user). */
export async function call<T>(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers:
      body === undefined
        ? {}
        : { 'content-type': path.startsWith('/fhir/') ? 'application/fhir+json' : 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** POSTs a FHIR transaction Bundle and returns the ids the server gave, in entry order. */
export async function transact(url: string, bundle: unknown): Promise<string[]> {
  const response = await fetch(`${url}/fhir/R4`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify(bundle),
  });
  const body = (await response.json()) as { entry?: Array<{ response?: { location?: string } }> };
  if (!response.ok) throw new Error(`transaction refused (${response.status}): ${JSON.stringify(body)}`);
  return (body.entry ?? []).map((entry) => entry.response?.location?.split('/')[1] ?? '');
}
