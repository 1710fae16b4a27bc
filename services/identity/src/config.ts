// The identity service's environment variables, validated once at start (every problem together).
import { type AccessConfig, accessConfigFields, accessConfigFrom } from '@healthlane/access';
import { env } from '@healthlane/kit';
import { z } from 'zod';

export interface IdentityConfig {
  access: AccessConfig;
  /** Where bootstrap.json is written on first start ('memory://...' writes none). */
  dataDir: string;
  /** HEALTHLANE_DEMO: the first-start bootstrap adds the demo clinical users (bootstrap-demo.ts). */
  demo: boolean;
  bootstrap: {
    clientId?: string;
    clientSecret?: string;
    adminUser?: string;
    adminPassword?: string;
  };
  /** The platform services' own client (see service-client.ts). */
  serviceClient: { clientId: string; clientSecret?: string };
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  sessionIdleSeconds: number;
  sessionAbsoluteSeconds: number;
  lockout: { threshold: number; durationMs: number };
  /** Login attempts per client address per minute. */
  loginRatePerMinute: number;
  breakGlassSeconds: number;
}

const optionalText = env.text().optional();
const seconds = (ms: number) => Math.floor(ms / 1000);

export const identityConfigSchema = z
  .object({
    ...accessConfigFields,
    HEALTHLANE_DATA_DIR: z.string().default('./.healthlane'),
    HEALTHLANE_DEMO: env.boolean().default(true),
    HEALTHLANE_BOOTSTRAP_CLIENT_ID: optionalText,
    HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: optionalText,
    HEALTHLANE_ADMIN_USER: optionalText,
    HEALTHLANE_ADMIN_PASSWORD: optionalText,
    HEALTHLANE_SERVICE_CLIENT_ID: env.text().default('healthlane-services'),
    HEALTHLANE_SERVICE_CLIENT_SECRET: optionalText,
    IDENTITY_ACCESS_TOKEN_TTL: env.durationMs().default(300_000),
    IDENTITY_REFRESH_TOKEN_TTL: env.durationMs().default(12 * 3_600_000),
    IDENTITY_SESSION_IDLE: env.durationMs().default(15 * 60_000),
    IDENTITY_SESSION_ABSOLUTE: env.durationMs().default(8 * 3_600_000),
    IDENTITY_LOCKOUT_THRESHOLD: env.positiveInt().default(5),
    IDENTITY_LOCKOUT_DURATION: env.durationMs().default(15 * 60_000),
    IDENTITY_LOGIN_RATE_PER_MINUTE: env.positiveInt().default(20),
    IDENTITY_BREAK_GLASS_DURATION: env.durationMs().default(3_600_000),
  })
  .refine((v) => v.IDENTITY_ACCESS_TOKEN_TTL >= 10_000 && v.IDENTITY_ACCESS_TOKEN_TTL <= 300_000, {
    message: 'IDENTITY_ACCESS_TOKEN_TTL must be between 10s and 5m',
    path: ['IDENTITY_ACCESS_TOKEN_TTL'],
  })
  .refine(
    (v) =>
      (v.HEALTHLANE_BOOTSTRAP_CLIENT_ID === undefined) ===
      (v.HEALTHLANE_BOOTSTRAP_CLIENT_SECRET === undefined),
    {
      message: 'HEALTHLANE_BOOTSTRAP_CLIENT_ID and HEALTHLANE_BOOTSTRAP_CLIENT_SECRET are set together',
      path: ['HEALTHLANE_BOOTSTRAP_CLIENT_SECRET'],
    },
  )
  .refine((v) => (v.HEALTHLANE_ADMIN_USER === undefined) === (v.HEALTHLANE_ADMIN_PASSWORD === undefined), {
    message: 'HEALTHLANE_ADMIN_USER and HEALTHLANE_ADMIN_PASSWORD are set together',
    path: ['HEALTHLANE_ADMIN_PASSWORD'],
  })
  .refine((v) => v.HEALTHLANE_ADMIN_PASSWORD === undefined || v.HEALTHLANE_ADMIN_PASSWORD.length >= 12, {
    message: 'HEALTHLANE_ADMIN_PASSWORD must have at least 12 characters',
    path: ['HEALTHLANE_ADMIN_PASSWORD'],
  })
  .refine(
    (v) =>
      v.HEALTHLANE_SERVICE_CLIENT_SECRET === undefined || v.HEALTHLANE_SERVICE_CLIENT_SECRET.length >= 32,
    {
      message: 'HEALTHLANE_SERVICE_CLIENT_SECRET must have at least 32 characters',
      path: ['HEALTHLANE_SERVICE_CLIENT_SECRET'],
    },
  )
  .transform(
    (v): IdentityConfig => ({
      access: accessConfigFrom(v),
      dataDir: v.HEALTHLANE_DATA_DIR,
      demo: v.HEALTHLANE_DEMO,
      bootstrap: {
        ...(v.HEALTHLANE_BOOTSTRAP_CLIENT_ID ? { clientId: v.HEALTHLANE_BOOTSTRAP_CLIENT_ID } : {}),
        ...(v.HEALTHLANE_BOOTSTRAP_CLIENT_SECRET
          ? { clientSecret: v.HEALTHLANE_BOOTSTRAP_CLIENT_SECRET }
          : {}),
        ...(v.HEALTHLANE_ADMIN_USER ? { adminUser: v.HEALTHLANE_ADMIN_USER } : {}),
        ...(v.HEALTHLANE_ADMIN_PASSWORD ? { adminPassword: v.HEALTHLANE_ADMIN_PASSWORD } : {}),
      },
      serviceClient: {
        clientId: v.HEALTHLANE_SERVICE_CLIENT_ID,
        ...(v.HEALTHLANE_SERVICE_CLIENT_SECRET ? { clientSecret: v.HEALTHLANE_SERVICE_CLIENT_SECRET } : {}),
      },
      accessTokenTtlSeconds: seconds(v.IDENTITY_ACCESS_TOKEN_TTL),
      refreshTokenTtlSeconds: seconds(v.IDENTITY_REFRESH_TOKEN_TTL),
      sessionIdleSeconds: seconds(v.IDENTITY_SESSION_IDLE),
      sessionAbsoluteSeconds: seconds(v.IDENTITY_SESSION_ABSOLUTE),
      lockout: { threshold: v.IDENTITY_LOCKOUT_THRESHOLD, durationMs: v.IDENTITY_LOCKOUT_DURATION },
      loginRatePerMinute: v.IDENTITY_LOGIN_RATE_PER_MINUTE,
      breakGlassSeconds: seconds(v.IDENTITY_BREAK_GLASS_DURATION),
    }),
  );
