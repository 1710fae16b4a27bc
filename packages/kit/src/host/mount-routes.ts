// Mounts one service's routes in its own encapsulated Fastify scope (its hooks and decorators
// stay its own) and holds it to its declared prefixes, which the gateway routes by.
import type { FastifyInstance } from 'fastify';
import type { ServiceDefinition, ServiceInstance } from '../service.ts';

export function isUnderPrefix(url: string, prefix: string): boolean {
  if (prefix === '/' || url === prefix) return true;
  return url.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`);
}

export async function mountRoutes(
  app: FastifyInstance,
  definition: Pick<ServiceDefinition, 'name' | 'prefixes'>,
  instance: ServiceInstance,
): Promise<void> {
  const routes = instance.routes;
  if (routes === undefined) return;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      if (!definition.prefixes.some((prefix) => isUnderPrefix(route.url, prefix))) {
        throw new Error(
          `service '${definition.name}' registered route ${route.url} outside its prefixes (${definition.prefixes.join(', ')})`,
        );
      }
    });
    await routes(scope);
  });
}
