// The manifests fit the services as built: each service's Deployment gives it a configuration
// that its own schema (and the host's) accepts, and the gateway routes every prefix it serves.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostConfig } from '@healthlane/kit';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ZodType } from 'zod';
import { builtInServices } from '../../apps/cli/src/service-registry.ts';
import { containers, environment, find, type Manifest, serviceDeployments } from './support/manifest.ts';
import { render, repoRoot } from './support/render.ts';

interface Definition {
  name: string;
  prefixes: string[];
  config: ZodType;
}

/** What a Secret or the downward API would hold at run time, for parsing the configuration. */
function runtimeValue(value: string): string {
  if (value.startsWith('field:')) return 'monitoring-7c9d5f6b8-x2x4q';
  if (value === 'secret:healthlane-database/DATABASE_URL') {
    return 'postgresql://healthlane:password@healthlane-db-rw:5432/healthlane?sslmode=verify-full';
  }
  return value.startsWith('secret:') ? 'a-secret-value-of-at-least-thirty-two-characters' : value;
}

/** The service's workspace package, by its folder under services/. */
async function definition(name: string): Promise<Definition> {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'services', name, 'package.json'), 'utf8'));
  const module = (await import(manifest.name)) as Record<string, unknown>;
  return module[`${name}Service`] as Definition;
}

let objects: Manifest[];
beforeAll(() => {
  objects = render('overlays/production');
});

describe.each(['gateway', 'records', 'identity', 'audit', 'monitoring'])('service %s', (name) => {
  const env = () => {
    const deployment = find(objects, 'Deployment', name)!;
    const resolved = environment(objects, containers(deployment)[0]);
    return Object.fromEntries([...resolved].map(([key, value]) => [key, runtimeValue(value)]));
  };

  it('is a service definition of that name', async () => {
    expect((await definition(name)).name).toBe(name);
  });

  it("gets a configuration that the host's and its own schema accept", async () => {
    const host = hostConfig.safeParse(env());
    expect(host.error?.issues ?? []).toEqual([]);
    const own = (await definition(name)).config.safeParse(env());
    expect(own.error?.issues ?? []).toEqual([]);
  });

  it('is reached through the gateway at every prefix it serves', async () => {
    const gateway = find(objects, 'Deployment', 'gateway')!;
    const routes = environment(objects, containers(gateway)[0]).get('GATEWAY_ROUTES') ?? '';
    const table = new Map(routes.split(',').map((entry) => entry.split('=') as [string, string]));
    for (const prefix of (await definition(name)).prefixes.filter((prefix) => prefix !== '/')) {
      expect(table.get(prefix), prefix).toBe(`http://${name}:8080`);
    }
  });
});

it('deploys every service the platform registers, and no other', () => {
  const registered = builtInServices.map((service) => service.name).sort();
  expect(
    serviceDeployments(objects)
      .map((deployment) => deployment.metadata.name)
      .sort(),
  ).toEqual(registered);
});

it('deploys exactly the services above', () => {
  expect(
    serviceDeployments(objects)
      .map((deployment) => deployment.metadata.name)
      .sort(),
  ).toEqual(['audit', 'gateway', 'identity', 'monitoring', 'records']);
});

describe('the services client secret', () => {
  it('reaches identity (which registers the client) and monitoring (which calls records) from one Secret', () => {
    const secretOf = (name: string) =>
      environment(objects, containers(find(objects, 'Deployment', name)!)[0]).get(
        'HEALTHLANE_SERVICE_CLIENT_SECRET',
      );
    expect(secretOf('identity')).toBe('secret:healthlane-service-client/HEALTHLANE_SERVICE_CLIENT_SECRET');
    expect(secretOf('monitoring')).toBe(secretOf('identity'));
    // Services that make no peer calls do not hold it.
    expect(secretOf('records')).toBeUndefined();
  });
});
