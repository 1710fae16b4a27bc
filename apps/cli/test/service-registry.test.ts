// The service registry: built-ins, operator-added modules and selection by name.
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@healthlane/kit';
import { describe, expect, it } from 'vitest';
import { builtInServices, findService, loadRegistry, selectServices } from '../src/service-registry.ts';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const names = (services: readonly { name: string }[]) => services.map((service) => service.name);

async function configError(work: () => unknown): Promise<ConfigError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRegistry', () => {
  it('starts with the gateway', async () => {
    expect(names(builtInServices)[0]).toBe('gateway');
    expect(names(await loadRegistry({}))).toEqual(names(builtInServices));
  });

  it('adds HEALTHLANE_EXTRA_SERVICES modules, relative to the working directory', async () => {
    const services = await loadRegistry({ HEALTHLANE_EXTRA_SERVICES: ' echo-service.ts ' }, fixtures);
    expect(names(services)).toEqual([...names(builtInServices), 'echo']);
    expect(findService(services, 'echo')?.prefixes).toEqual(['/echo']);
  });

  it('reports every bad module in one ConfigError', async () => {
    const error = await configError(() =>
      loadRegistry(
        { HEALTHLANE_EXTRA_SERVICES: 'missing.ts,not-a-service.ts,echo-service.ts,echo-service.ts' },
        fixtures,
      ),
    );
    expect(error.problems.map((problem) => problem.variable)).toEqual([
      'HEALTHLANE_EXTRA_SERVICES',
      'HEALTHLANE_EXTRA_SERVICES',
      'HEALTHLANE_EXTRA_SERVICES',
    ]);
    const reasons = error.problems.map((problem) => problem.reason).join('\n');
    expect(reasons).toContain('missing.ts: cannot be loaded');
    expect(reasons).toContain('not-a-service.ts: does not default-export a ServiceDefinition');
    expect(reasons).toContain('service name "echo" is taken');
  });
});

describe('selectServices', () => {
  it('keeps all services when HEALTHLANE_SERVICES is unset', async () => {
    const services = await loadRegistry({ HEALTHLANE_EXTRA_SERVICES: 'echo-service.ts' }, fixtures);
    expect(names(selectServices(services, {}))).toEqual([...names(builtInServices), 'echo']);
  });

  it('keeps the named services in registry order', async () => {
    const services = await loadRegistry({ HEALTHLANE_EXTRA_SERVICES: 'echo-service.ts' }, fixtures);
    expect(names(selectServices(services, { HEALTHLANE_SERVICES: 'echo, gateway' }))).toEqual([
      'gateway',
      'echo',
    ]);
    expect(names(selectServices(services, { HEALTHLANE_SERVICES: 'echo' }))).toEqual(['echo']);
  });

  it('refuses unknown names, listing the known ones', async () => {
    const error = await configError(() =>
      selectServices([...builtInServices], { HEALTHLANE_SERVICES: 'gateway,billing' }),
    );
    expect(error.problems[0]?.reason).toMatch(/unknown service "billing"; known: gateway, identity, records/);
  });
});
