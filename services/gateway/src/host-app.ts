// Finds the host's whole HTTP app from inside the gateway's encapsulated scope. The host mounts
// each service in its own scope (app.register), but the gateway's edge hooks (security headers,
// CORS, authentication) must cover every route in the process: the kit's probes, its 404 reply
// and, all-in-one, every other service. Fastify builds a child scope with Object.create(parent),
// so the parent is the scope's prototype. Hooks added to it before `ready` reach every route
// registered or mounted after the gateway (the registry mounts the gateway first).
import type { FastifyInstance } from 'fastify';

export function hostApp(scope: FastifyInstance): FastifyInstance {
  const parent: unknown = Object.getPrototypeOf(scope);
  return isFastifyInstance(parent) ? parent : scope;
}

function isFastifyInstance(value: unknown): value is FastifyInstance {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<FastifyInstance>;
  return typeof candidate.addHook === 'function' && typeof candidate.route === 'function';
}
