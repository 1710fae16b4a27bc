// The monitoring service's environment variables, validated once at start (every problem reported together).
import { type AccessConfig, accessConfigFields, accessConfigFrom } from '@healthlane/access';
import { env } from '@healthlane/kit';
import { z } from 'zod';

export interface MonitoringConfig {
  /** MQTT broker to subscribe to; ingest over MQTT is off when unset. */
  mqttUrl: string | undefined;
  mqttTopicPrefix: string;
  mqttClientId: string;
  /** MQTT 5 shared-subscription group every replica joins: one copy of each message per platform. */
  mqttShareGroup: string;
  mqttConnections: number;
  chartingIntervalMs: number;
  /** How late a sample may arrive (by measurement time) and still be accepted. */
  maxLatenessMs: number;
  maxClockSkewMs: number;
  vitalMaxAgeMs: number;
  observationMaxAgeMs: number;
  silentAfterMs: number;
  escalation: Array<{ role: string; afterMs: number }>;
  clearAfterMs: number;
  suppressAfterResolveMs: number;
  tickMs: number;
  rawRetentionDays: number;
  rollupRetentionDays: number;
  batchRows: number;
  batchDelayMs: number;
  maxPendingRows: number;
  /** HEALTHLANE_AUTH (on by default) and the issuer/audience from HEALTHLANE_PUBLIC_URL. */
  access: AccessConfig;
}

const escalationChain = z.string().transform((raw, ctx) => {
  const steps = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const parsed: Array<{ role: string; afterMs: number }> = [];
  for (const step of steps) {
    const match = /^([a-z][a-z0-9-]*)(?::(\d+)(ms|s|m)?)?$/.exec(step);
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be role:duration pairs, e.g. nurse:2m,charge-nurse:3m,rapid-response-team',
      });
      return z.NEVER;
    }
    const unit = { ms: 1, s: 1000, m: 60_000 }[match[3] ?? 'ms'] ?? 1;
    parsed.push({ role: match[1] as string, afterMs: Number(match[2] ?? 0) * unit });
  }
  if (parsed.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must name at least one role' });
    return z.NEVER;
  }
  return parsed;
});

export const monitoringConfigSchema = z
  .object({
    ...accessConfigFields,
    MONITORING_MQTT_URL: env.url(['mqtt:', 'mqtts:', 'tcp:']).optional(),
    MONITORING_MQTT_TOPIC_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/, 'must be topic levels of A–Z a–z 0–9 _ -')
      .default('healthlane'),
    MONITORING_MQTT_CLIENT_ID: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 of A–Z a–z 0–9 _ -')
      .default('healthlane-monitoring'),
    MONITORING_MQTT_SHARE_GROUP: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1–40 of A–Z a–z 0–9 _ -')
      .default('healthlane-monitoring'),
    MONITORING_MQTT_CONNECTIONS: env.positiveInt().default(4),
    MONITORING_CHARTING_INTERVAL: env.durationMs().default(60_000),
    MONITORING_MAX_LATENESS: env.durationMs().default(86_400_000),
    MONITORING_MAX_CLOCK_SKEW: env.durationMs().default(300_000),
    MONITORING_VITAL_MAX_AGE: env.durationMs().default(900_000),
    MONITORING_OBSERVATION_MAX_AGE: env.durationMs().default(43_200_000),
    MONITORING_DEVICE_SILENT_AFTER: env.durationMs().default(30_000),
    MONITORING_ESCALATION: escalationChain.default([
      { role: 'nurse', afterMs: 120_000 },
      { role: 'charge-nurse', afterMs: 180_000 },
      { role: 'rapid-response-team', afterMs: 0 },
    ]),
    MONITORING_ALERT_CLEAR_AFTER: env.durationMs().default(60_000),
    MONITORING_ALERT_SUPPRESS_AFTER_RESOLVE: env.durationMs().default(300_000),
    MONITORING_TICK: env.durationMs().default(1_000),
    MONITORING_RAW_RETENTION_DAYS: env.positiveInt().default(7),
    MONITORING_ROLLUP_RETENTION_DAYS: env.positiveInt().default(365),
    MONITORING_BATCH_ROWS: env.positiveInt().default(5_000),
    MONITORING_BATCH_DELAY: env.durationMs().default(5),
    MONITORING_MAX_PENDING_ROWS: env.positiveInt().default(200_000),
  })
  .refine((v) => v.MONITORING_MAX_LATENESS < v.MONITORING_RAW_RETENTION_DAYS * 86_400_000, {
    message: 'MONITORING_MAX_LATENESS must be shorter than the raw retention',
    path: ['MONITORING_MAX_LATENESS'],
  })
  .transform(
    (v): MonitoringConfig => ({
      mqttUrl: v.MONITORING_MQTT_URL,
      mqttTopicPrefix: v.MONITORING_MQTT_TOPIC_PREFIX,
      mqttClientId: v.MONITORING_MQTT_CLIENT_ID,
      mqttShareGroup: v.MONITORING_MQTT_SHARE_GROUP,
      mqttConnections: v.MONITORING_MQTT_CONNECTIONS,
      chartingIntervalMs: v.MONITORING_CHARTING_INTERVAL,
      maxLatenessMs: v.MONITORING_MAX_LATENESS,
      maxClockSkewMs: v.MONITORING_MAX_CLOCK_SKEW,
      vitalMaxAgeMs: v.MONITORING_VITAL_MAX_AGE,
      observationMaxAgeMs: v.MONITORING_OBSERVATION_MAX_AGE,
      silentAfterMs: v.MONITORING_DEVICE_SILENT_AFTER,
      escalation: v.MONITORING_ESCALATION,
      clearAfterMs: v.MONITORING_ALERT_CLEAR_AFTER,
      suppressAfterResolveMs: v.MONITORING_ALERT_SUPPRESS_AFTER_RESOLVE,
      tickMs: v.MONITORING_TICK,
      rawRetentionDays: v.MONITORING_RAW_RETENTION_DAYS,
      rollupRetentionDays: v.MONITORING_ROLLUP_RETENTION_DAYS,
      batchRows: v.MONITORING_BATCH_ROWS,
      batchDelayMs: v.MONITORING_BATCH_DELAY,
      maxPendingRows: v.MONITORING_MAX_PENDING_ROWS,
      access: accessConfigFrom(v),
    }),
  );
