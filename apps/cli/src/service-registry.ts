// The one list of services the platform has. `start` hosts them all in one process, `serve`
// hosts one, `cluster` runs each as its own process. Operators add services with
// HEALTHLANE_EXTRA_SERVICES and narrow the set with HEALTHLANE_SERVICES.
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { auditService } from '@healthlane/audit-service';
import { gatewayService } from '@healthlane/gateway';
import { identityService } from '@healthlane/identity';
import { ConfigError, type ServiceDefinition } from '@healthlane/kit';
import { monitoringService } from '@healthlane/monitoring';
import { recordsService } from '@healthlane/records';
import type { Environment } from './command.ts';

/** Built-in services, in start order. The gateway comes first: it is the single entry. */
export const builtInServices: readonly ServiceDefinition[] = [
  gatewayService as ServiceDefinition,
  identityService as ServiceDefinition,
  recordsService as ServiceDefinition,
  monitoringService as ServiceDefinition,
  auditService as ServiceDefinition,
];

/**
 * Built-ins plus HEALTHLANE_EXTRA_SERVICES (comma-separated module paths, relative to the working
 * directory, each default-exporting a ServiceDefinition). Throws a ConfigError for a module that
 * cannot be loaded, does not export a definition, or reuses a name.
 */
export async function loadRegistry(env: Environment, cwd = process.cwd()): Promise<ServiceDefinition[]> {
  const services = [...builtInServices];
  const problems: Array<{ variable: string; reason: string }> = [];
  for (const modulePath of splitList(env.HEALTHLANE_EXTRA_SERVICES)) {
    const loaded = await loadDefinition(isAbsolute(modulePath) ? modulePath : resolve(cwd, modulePath));
    if (typeof loaded === 'string') {
      problems.push({ variable: 'HEALTHLANE_EXTRA_SERVICES', reason: `${modulePath}: ${loaded}` });
    } else if (services.some((service) => service.name === loaded.name)) {
      problems.push({
        variable: 'HEALTHLANE_EXTRA_SERVICES',
        reason: `${modulePath}: service name "${loaded.name}" is taken`,
      });
    } else {
      services.push(loaded);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return services;
}

/** The services named in HEALTHLANE_SERVICES (registry order kept), or all when it is unset. */
export function selectServices(
  services: readonly ServiceDefinition[],
  env: Environment,
): ServiceDefinition[] {
  const wanted = splitList(env.HEALTHLANE_SERVICES);
  if (wanted.length === 0) return [...services];
  const known = new Set(services.map((service) => service.name));
  const unknown = wanted.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new ConfigError([
      {
        variable: 'HEALTHLANE_SERVICES',
        reason: `unknown service ${unknown.map((name) => `"${name}"`).join(', ')}; known: ${[...known].join(', ')}`,
      },
    ]);
  }
  return services.filter((service) => wanted.includes(service.name));
}

export function findService(
  services: readonly ServiceDefinition[],
  name: string,
): ServiceDefinition | undefined {
  return services.find((service) => service.name === name);
}

async function loadDefinition(absolutePath: string): Promise<ServiceDefinition | string> {
  let module: { default?: unknown };
  try {
    module = await import(pathToFileURL(absolutePath).href);
  } catch (error) {
    return `cannot be loaded (${(error as Error).message.split('\n', 1)[0]})`;
  }
  return isServiceDefinition(module.default) ? module.default : 'does not default-export a ServiceDefinition';
}

function isServiceDefinition(value: unknown): value is ServiceDefinition {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof ServiceDefinition, unknown>>;
  return (
    typeof candidate.name === 'string' &&
    /^[a-z][a-z0-9-]*$/.test(candidate.name) &&
    typeof candidate.create === 'function' &&
    Array.isArray(candidate.prefixes) &&
    Array.isArray(candidate.migrations) &&
    typeof candidate.config === 'object' &&
    candidate.config !== null
  );
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}
