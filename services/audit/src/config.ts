// The audit service's environment variables, validated once at start (every problem reported together).
import { type AccessConfig, accessConfigFields, accessConfigFrom } from '@healthlane/access';
import { env } from '@healthlane/kit';
import { z } from 'zod';

export interface AuditConfig {
  /** Events chained per appender transaction at most. */
  batchSize: number;
  /** How often the appender looks for events other replicas received. */
  pollIntervalMs: number;
  /** HMAC key signing each checkpoint; keep it outside the database (a Kubernetes Secret). */
  checkpointKey?: string;
  searchDefaultCount: number;
  searchMaxCount: number;
  /** Token verification (HEALTHLANE_AUTH, HEALTHLANE_PUBLIC_URL), shared with every verifying service. */
  access: AccessConfig;
}

export const auditConfigSchema = z
  .object({
    ...accessConfigFields,
    AUDIT_BATCH_SIZE: env.positiveInt().default(500),
    AUDIT_POLL_INTERVAL_MS: env.durationMs().default(1000),
    AUDIT_CHECKPOINT_KEY: z
      .string()
      .refine((value) => value.length >= 32, { message: 'must be at least 32 characters' })
      .optional(),
    AUDIT_SEARCH_DEFAULT_COUNT: env.positiveInt().default(50),
    AUDIT_SEARCH_MAX_COUNT: env.positiveInt().default(1000),
  })
  .refine((v) => v.AUDIT_SEARCH_DEFAULT_COUNT <= v.AUDIT_SEARCH_MAX_COUNT, {
    message: 'AUDIT_SEARCH_DEFAULT_COUNT must not exceed AUDIT_SEARCH_MAX_COUNT',
    path: ['AUDIT_SEARCH_DEFAULT_COUNT'],
  })
  .transform(
    (v): AuditConfig => ({
      batchSize: v.AUDIT_BATCH_SIZE,
      pollIntervalMs: v.AUDIT_POLL_INTERVAL_MS,
      ...(v.AUDIT_CHECKPOINT_KEY === undefined ? {} : { checkpointKey: v.AUDIT_CHECKPOINT_KEY }),
      searchDefaultCount: v.AUDIT_SEARCH_DEFAULT_COUNT,
      searchMaxCount: v.AUDIT_SEARCH_MAX_COUNT,
      access: accessConfigFrom(v),
    }),
  );
