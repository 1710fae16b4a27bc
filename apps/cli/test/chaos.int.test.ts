// Fault test on `healthlane cluster` (issue #8): a bounded write load through the gateway while
// the records process is SIGKILLed (the supervisor restarts it) and the cluster's own NATS server
// is restarted. Afterwards: every acknowledged write readable, no conditional create duplicated,
// every created resource's event delivered to a consumer group exactly once in effect.
// PostgreSQL: a private database on 127.0.0.1:5432; NATS: a private server on a spare port.
// HL_CHAOS_WRITES (default 2,000; the issue's full size is 100,000), HL_CHAOS_CONCURRENCY (8),
// HL_CHAOS_RESULT_FILE (write the figures there as JSON, e.g. bench/results/…).
import { randomBytes } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { cpus, hostname, loadavg, totalmem } from 'node:os';
import { type Bus, createNatsBus } from '@healthlane/bus';
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@healthlane/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Cluster,
  childPids,
  clientToken,
  clusterReady,
  spawnCluster,
  stopCluster,
  until,
} from './support/cluster-process.ts';
import { type PrivateNats, startPrivateNats } from './support/private-nats.ts';
import { freePort } from './support/spawn-cli.ts';
import { runWriteLoad, type WriteRecord } from './support/write-load.ts';

const writes = Number(process.env.HL_CHAOS_WRITES ?? 2_000);
const concurrency = Number(process.env.HL_CHAOS_CONCURRENCY ?? 8);
const resultFile = process.env.HL_CHAOS_RESULT_FILE;
const traceFile = process.env.HL_CHAOS_TRACE;
/** Generous bounds that still end a stuck run: the load itself, then the events draining. */
const loadBudgetMs = Math.max(240_000, writes * 20);
const drainBudgetMs = 120_000;

const acknowledged = (record: WriteRecord) => record.status !== undefined && record.status < 300;

describe('healthlane cluster under faults', () => {
  const suffix = randomBytes(6).toString('hex');
  const identifierSystem = `urn:healthlane:chaos:${suffix}`;
  const stream = `HL_CHAOS_${suffix}`;
  const subjectPrefix = `hlchaos_${suffix}`;
  const bootstrap = { id: `chaos-${suffix}`, secret: `chaos-secret-${randomBytes(16).toString('hex')}` };
  let database: TestPostgresDatabase;
  let nats: PrivateNats;
  let cli: Cluster | undefined;
  let probe: Bus | undefined;
  let gatewayUrl = '';
  /** Resource id → distinct message ids of its fhir.Patient.created events the probe group handled. */
  const delivered = new Map<string, Set<string>>();
  let deliveries = 0;
  let lastDeliveryAt = 0;

  let token: Promise<string> | undefined;
  const currentToken = () => {
    token ??= clientToken(gatewayUrl, bootstrap, 'system/*.cruds').catch((error: unknown) => {
      token = undefined;
      throw error;
    });
    return token;
  };

  beforeAll(async () => {
    [database, nats] = await Promise.all([createTestPostgresDatabase(), startPrivateNats()]);
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    cli = spawnCluster({
      HEALTHLANE_SERVICES: 'gateway,identity,records,audit',
      DATABASE_URL: database.url,
      NATS_URL: nats.url,
      NATS_STREAM: stream,
      NATS_SUBJECT_PREFIX: subjectPrefix,
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_CLUSTER_BASE_PORT: '0',
      HEALTHLANE_CLUSTER_READY_TIMEOUT_MS: '120s',
      SHUTDOWN_TIMEOUT_MS: '10s',
      HEALTHLANE_PUBLIC_URL: gatewayUrl,
      HEALTHLANE_BOOTSTRAP_CLIENT_ID: bootstrap.id,
      HEALTHLANE_BOOTSTRAP_CLIENT_SECRET: bootstrap.secret,
      HEALTHLANE_ADMIN_USER: 'chaos-admin',
      HEALTHLANE_ADMIN_PASSWORD: `chaos-admin-${suffix}`,
      GATEWAY_RATE_LIMIT_PER_SECOND: '100000',
      LOG_LEVEL: 'info',
    });
    await clusterReady(cli, 150_000);
    // A consumer group of the test's own on the cluster's stream: the "consumer" every created
    // resource's event must reach. Same stream settings as the services' buses (openBus).
    probe = await createNatsBus({ url: nats.url, stream, subjectPrefix, duplicateWindowMs: 120_000 });
    await probe.subscribe<{ id: string }>({
      subject: 'fhir.Patient.created',
      group: 'chaos-probe',
      concurrency: 32,
      handler: async (message) => {
        deliveries += 1;
        lastDeliveryAt = Date.now();
        const ids = delivered.get(message.data.id) ?? new Set<string>();
        ids.add(message.id);
        delivered.set(message.data.id, ids);
      },
    });
  }, 200_000);

  afterAll(async () => {
    await stopCluster(cli);
    await probe?.close().catch(() => {});
    await Promise.allSettled([nats?.stop(), database?.drop()]);
  }, 60_000);

  it(
    `keeps every acknowledged write of ${writes} through records kills and a NATS restart`,
    async () => {
      const kills: Array<{ atWrite: number; recoveryMs: number; restartMs: number }> = [];
      const natsRestarts: Array<{ atWrite: number; downMs: number; eventsResumedMs: number }> = [];
      let done = 0;
      let lastSuccessAt = 0;
      const waiters: Array<{ at: number; resolve: () => void }> = [];
      const reached = (fraction: number) =>
        new Promise<void>((resolve) => waiters.push({ at: Math.ceil(writes * fraction), resolve }));

      const trace: string[] = [];
      const note = (what: string) => {
        const line = `${new Date().toISOString()} ${what} (writes done ${done})`;
        trace.push(line);
        if (traceFile) appendFileSync(traceFile, `${line}\n`);
      };
      const killRecords = async () => {
        const before = childPids(cli!, 'records');
        const pid = before.at(-1)!;
        const atWrite = done;
        const killedAt = Date.now();
        note(`SIGKILL records ${pid}`);
        process.kill(pid, 'SIGKILL');
        await until(
          'records restarted',
          () => (childPids(cli!, 'records').length > before.length ? true : undefined),
          60_000,
        );
        const restartedAt = Date.now();
        note('records restarted');
        await until(
          'a write acknowledged after the restart',
          () => (lastSuccessAt > restartedAt ? true : undefined),
          120_000,
        );
        note('write acknowledged after the restart');
        kills.push({ atWrite, restartMs: restartedAt - killedAt, recoveryMs: lastSuccessAt - killedAt });
      };
      const restartNats = async () => {
        const atWrite = done;
        note('restarting NATS');
        const { downMs } = await nats.restart(1_000);
        const backAt = Date.now();
        note('NATS back');
        await until(
          'an event delivered after NATS came back',
          () => (lastDeliveryAt > backAt ? true : undefined),
          120_000,
        );
        note('event delivered after NATS came back');
        natsRestarts.push({ atWrite, downMs, eventsResumedMs: lastDeliveryAt - backAt });
      };
      const chaos = (async () => {
        await reached(0.15);
        await killRecords();
        await reached(0.4);
        await restartNats();
        await reached(0.65);
        await killRecords();
      })();
      chaos.catch((error: Error) => note(`chaos failed: ${error.message}`));
      // The whole load is bounded: past its budget no new write starts, and the test fails with
      // what happened so far.
      const budget = new AbortController();
      const budgetTimer = setTimeout(() => budget.abort(), loadBudgetMs);

      const startedAt = Date.now();
      const results = await runWriteLoad({
        baseUrl: gatewayUrl,
        writes,
        concurrency,
        plainEvery: 5,
        identifierSystem,
        token: currentToken,
        refreshToken: () => {
          token = undefined;
        },
        perWriteDeadlineMs: 90_000,
        signal: budget.signal,
        onProgress: (count, record) => {
          done = count;
          if (acknowledged(record)) lastSuccessAt = Math.max(lastSuccessAt, record.finishedAt);
          for (const waiter of waiters.filter((each) => each.at <= count)) waiter.resolve();
        },
      });
      clearTimeout(budgetTimer);
      const loadSeconds = (Date.now() - startedAt) / 1_000;
      note('load finished');
      if (budget.signal.aborted) {
        throw new Error(
          `the load ran past its ${loadBudgetMs} ms budget\n${trace.join('\n')}\n${cli!.tail()}`,
        );
      }
      // Fewer writes than chaos steps would leave a step waiting: release them, then require all ran.
      for (const waiter of waiters) waiter.resolve();
      await chaos.catch((error: Error) => {
        throw new Error(`${error.message}\n${trace.join('\n')}\n${cli!.tail()}`);
      });
      expect(kills).toHaveLength(2);
      expect(natsRestarts).toHaveLength(1);

      // 1. Every conditional create was acknowledged in the end (retries absorbed the faults).
      const conditional = results.filter((record) => record.conditional);
      expect(conditional.filter((record) => !acknowledged(record)).map((record) => record.failures)).toEqual(
        [],
      );
      // Clients did see failures while records was down, and retried through them.
      const retried = conditional.filter((record) => record.failures.length > 0);
      expect(retried.length).toBeGreaterThan(0);
      const plain = results.filter((record) => !record.conditional);
      const ambiguousPlain = plain.filter((record) => record.status === undefined);
      expect(plain.filter((record) => record.status !== undefined && !acknowledged(record))).toEqual([]);

      // 2. What the database holds: each identifier once (conditional and acknowledged plain), and
      // the id each acknowledgement named.
      const stored = await database.db.query<{ value: string; ids: string[] }>(
        `SELECT json::jsonb->'identifier'->0->>'value' AS value, array_agg(id) AS ids
         FROM records.resource
        WHERE resource_type = 'Patient' AND json::jsonb->'identifier'->0->>'system' = $1
        GROUP BY 1`,
        [identifierSystem],
      );
      const byIdentifier = new Map(stored.rows.map((row) => [row.value, row.ids]));
      const duplicated = stored.rows.filter((row) => row.ids.length > 1).map((row) => row.value);
      expect(duplicated).toEqual([]);
      const lost = results.filter(
        (record) => acknowledged(record) && !byIdentifier.get(record.identifier)?.includes(record.id ?? ''),
      );
      expect(lost.map((record) => record.identifier)).toEqual([]);
      // Nothing more than was asked for: the acknowledged writes, plus any plain create whose answer
      // was lost in a kill (it may or may not have committed).
      const acked = results.filter(acknowledged);
      expect(stored.rows.length).toBeGreaterThanOrEqual(acked.length);
      expect(stored.rows.length).toBeLessThanOrEqual(acked.length + ambiguousPlain.length);

      // 3. Acknowledged writes read back through the gateway (a spread sample of at most 1,000).
      const step = Math.max(1, Math.floor(acked.length / 1_000));
      const sample = acked.filter((_, index) => index % step === 0);
      const unreadable: string[] = [];
      for (let start = 0; start < sample.length; start += 16) {
        await Promise.all(
          sample.slice(start, start + 16).map(async (record) => {
            const response = await fetch(`${gatewayUrl}/fhir/R4/Patient/${record.id}`, {
              headers: { authorization: `Bearer ${await currentToken()}` },
            });
            await response.arrayBuffer();
            if (response.status !== 200) unreadable.push(`${record.identifier}: ${response.status}`);
          }),
        );
      }
      expect(unreadable).toEqual([]);

      // 4. Every stored resource's created event reached the probe group, as one event (one message
      // id: the outbox's republish after a crash is de-duplicated), and no event names anything else.
      const storedIds = stored.rows.flatMap((row) => row.ids);
      const storedIdSet = new Set(storedIds);
      const drainStarted = Date.now();
      await until(
        'every created event delivered',
        () => (storedIds.every((id) => delivered.has(id)) ? true : undefined),
        drainBudgetMs,
      ).catch(() => undefined);
      const drainMs = Date.now() - drainStarted;
      expect(storedIds.filter((id) => !delivered.has(id))).toEqual([]);
      expect([...delivered].filter(([, ids]) => ids.size !== 1).map(([id]) => id)).toEqual([]);
      // Events of Patients the load did not create (the demo data records loads at its first
      // start) must name Patients records holds: an event without its data would be a phantom.
      const others = [...delivered.keys()].filter((id) => !storedIdSet.has(id));
      const held = await database.db.query<{ id: string }>(
        `SELECT id FROM records.resource WHERE resource_type = 'Patient' AND id = ANY($1)`,
        [others],
      );
      const heldIds = new Set(held.rows.map((row) => row.id));
      expect(others.filter((id) => !heldIds.has(id))).toEqual([]);

      const figures = {
        writes,
        concurrency,
        conditionalEvery: '4 of 5 (If-None-Exist on a unique identifier)',
        seconds: loadSeconds,
        acknowledgedPerSecond: Math.round(acked.length / loadSeconds),
        acknowledged: acked.length,
        plainAmbiguous: ambiguousPlain.length,
        retriedWrites: results.filter((record) => record.failures.length > 0).length,
        failuresSeen: results.reduce((sum, record) => sum + record.failures.length, 0),
        recordsKills: kills,
        natsRestarts,
        storedResources: storedIds.length,
        eventDeliveries: deliveries,
        eventsDistinct: delivered.size,
        drainAfterLoadMs: drainMs,
      };
      console.log(JSON.stringify({ chaos: figures }));
      if (resultFile) {
        const [cpu] = cpus();
        await writeFile(
          resultFile,
          `${JSON.stringify(
            {
              scenario: 'cluster-chaos',
              date: new Date().toISOString(),
              command: `HL_CHAOS_WRITES=${writes} npx vitest run --project integration apps/cli/test/chaos.int.test.ts`,
              machine: {
                cpuModel: cpu?.model,
                cores: cpus().length,
                memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
                node: process.version,
                platform: `${process.platform} ${process.arch}`,
                hostname: hostname(),
                loadAverage: loadavg(),
              },
              figures,
            },
            null,
            2,
          )}\n`,
        );
      }
    },
    loadBudgetMs + drainBudgetMs + 300_000,
  );
});
