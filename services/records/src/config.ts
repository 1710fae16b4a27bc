// The records service's environment variables, validated once at start (every problem reported together).
import { type AccessConfig, accessConfigFields, accessConfigFrom } from '@healthlane/access';
import { env } from '@healthlane/kit';
import { z } from 'zod';

export interface RecordsConfig {
  /** Load the demo data set at start when the store is empty. */
  demo: boolean;
  /** History page size when `_count` is absent. */
  historyDefaultCount: number;
  /** Upper bound on `_count` for history (larger requests are clamped, as the spec allows). */
  historyMaxCount: number;
  /** Deepest JSON nesting accepted in a resource, checked before validation. */
  maxJsonDepth: number;
  /** Search page size when `_count` is absent, the largest `_count`, and the `_total=accurate` bound. */
  search: { defaultCount: number; maxCount: number; totalBound: number };
  /** HEALTHLANE_AUTH (on by default) and the issuer/audience from HEALTHLANE_PUBLIC_URL. */
  access: AccessConfig;
}

export const recordsConfigSchema = z
  .object({
    ...accessConfigFields,
    /** Demo data on an empty store: on by default for the laptop experience; `0` turns it off. */
    HEALTHLANE_DEMO: env.boolean().default(true),
    RECORDS_HISTORY_DEFAULT_COUNT: env.positiveInt().default(50),
    RECORDS_HISTORY_MAX_COUNT: env.positiveInt().default(1000),
    RECORDS_MAX_JSON_DEPTH: env.positiveInt().default(64),
    RECORDS_SEARCH_DEFAULT_COUNT: env.positiveInt().default(20),
    RECORDS_SEARCH_MAX_COUNT: env.positiveInt().default(1000),
    /** `_total=accurate` counts at most this many matches, then answers an estimate with a warning. */
    RECORDS_SEARCH_TOTAL_BOUND: env.positiveInt().default(10_000),
  })
  .refine((v) => v.RECORDS_HISTORY_DEFAULT_COUNT <= v.RECORDS_HISTORY_MAX_COUNT, {
    message: 'RECORDS_HISTORY_DEFAULT_COUNT must not exceed RECORDS_HISTORY_MAX_COUNT',
    path: ['RECORDS_HISTORY_DEFAULT_COUNT'],
  })
  .transform(
    (v): RecordsConfig => ({
      demo: v.HEALTHLANE_DEMO,
      historyDefaultCount: v.RECORDS_HISTORY_DEFAULT_COUNT,
      historyMaxCount: v.RECORDS_HISTORY_MAX_COUNT,
      maxJsonDepth: v.RECORDS_MAX_JSON_DEPTH,
      search: {
        defaultCount: Math.min(v.RECORDS_SEARCH_DEFAULT_COUNT, v.RECORDS_SEARCH_MAX_COUNT),
        maxCount: v.RECORDS_SEARCH_MAX_COUNT,
        totalBound: v.RECORDS_SEARCH_TOTAL_BOUND,
      },
      access: accessConfigFrom(v),
    }),
  );
