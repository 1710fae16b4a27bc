// The gateway's environment variables, validated at start; every problem is reported together.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessConfig, accessConfigFields, accessConfigFrom } from '@healthlane/access';
import { env } from '@healthlane/kit';
import { z } from 'zod';
import { parseRouteTable, type UpstreamRoute } from './route-table.ts';

export interface GatewayConfig {
  routes: UpstreamRoute[];
  corsOrigins: string[];
  hsts: boolean;
  upstreamTimeoutMs: number;
  /** How long an idempotent request keeps trying an upstream it cannot reach. */
  idempotentRetryMs: number;
  /** Folder of the built console; 'none' = the landing page; undefined = look beside the program. */
  consoleDir: string | undefined;
  /** Token verification (HEALTHLANE_AUTH, HEALTHLANE_PUBLIC_URL): see authenticate.ts. */
  access: AccessConfig;
  /** Requests per second each client (token client id, or address without a token) may make. */
  rateLimitPerSecond: number;
}

const routesVariable = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const parsed = parseRouteTable(text);
    if (parsed.ok) return parsed.routes;
    for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
    return z.NEVER;
  });

const originsVariable = z
  .string()
  .default('')
  .transform((text, ctx) => {
    const origins = text
      .split(',')
      .map((part) => part.trim())
      .filter((part) => part !== '');
    for (const origin of origins) {
      if (!isOrigin(origin)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${origin}" is not an origin such as https://console.example.org`,
        });
      }
    }
    return origins;
  });

export const gatewayConfigSchema = z
  .object({
    ...accessConfigFields,
    /** Sustained requests per second per client; bursts up to twice that. */
    GATEWAY_RATE_LIMIT_PER_SECOND: env.positiveInt().default(500),
    /** `/prefix=http://host:port,...`; empty all-in-one, where services share the process. */
    GATEWAY_ROUTES: routesVariable,
    /** Browser origins allowed to call the platform; none by default. */
    GATEWAY_CORS_ORIGINS: originsVariable,
    /** Send Strict-Transport-Security: only when clients reach the platform over TLS. */
    GATEWAY_HSTS: env.boolean().default(false),
    /** Bound on connecting to an upstream, on its response headers and on each gap in its body. */
    GATEWAY_UPSTREAM_TIMEOUT_MS: env.durationMs().default(30_000),
    /** GET/HEAD/OPTIONS to an upstream that refuses connections (restarting) are retried this long. */
    GATEWAY_IDEMPOTENT_RETRY_MS: env.durationMs().default(5_000),
    /** The built console (`npm run build:web`); `none` serves the landing page instead. */
    GATEWAY_CONSOLE_DIR: z
      .string()
      .default('')
      .refine((dir) => dir === '' || dir === 'none' || existsSync(join(dir, 'index.html')), {
        message:
          'is not a folder holding a built console (index.html); `npm run build:web` makes one, `none` turns it off',
      }),
  })
  .transform(
    (variables): GatewayConfig => ({
      routes: variables.GATEWAY_ROUTES,
      corsOrigins: variables.GATEWAY_CORS_ORIGINS,
      hsts: variables.GATEWAY_HSTS,
      upstreamTimeoutMs: variables.GATEWAY_UPSTREAM_TIMEOUT_MS,
      idempotentRetryMs: variables.GATEWAY_IDEMPOTENT_RETRY_MS,
      consoleDir: variables.GATEWAY_CONSOLE_DIR || undefined,
      access: accessConfigFrom(variables),
      rateLimitPerSecond: variables.GATEWAY_RATE_LIMIT_PER_SECOND,
    }),
  );

/** An origin is scheme://host[:port] and nothing more; '*' is refused (deny by default). */
function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === text;
  } catch {
    return false;
  }
}
