// Runs a planned cluster: one supervised `healthlane serve <name>` child per service, the gateway
// last, a readiness report, and an orderly stop on SIGTERM/SIGINT (or when a child cannot start).
import type { Logger } from '@healthlane/kit';
import type { ClusterPlan, PlannedProcess } from './cluster-plan.ts';
import type { RestartPolicyOptions } from './restart-policy.ts';
import { type ChildEvents, SupervisedChild } from './supervised-child.ts';
import { waitUntilReady } from './wait-until-ready.ts';

export interface RunClusterOptions {
  plan: ClusterPlan;
  /** How to start this program again: node, its flags (e.g. --import tsx) and the script. */
  self: { command: string; args: string[] };
  env: Record<string, string | undefined>;
  logger: Logger;
  readyTimeoutMs: number;
  /** Per child, after SIGTERM, before SIGKILL. */
  stopTimeoutMs: number;
  restartPolicy?: RestartPolicyOptions;
}

/** Resolves with the exit code once every child has exited. */
export async function runCluster(options: RunClusterOptions): Promise<number> {
  const { plan, logger } = options;
  let resolveStop: (code: number) => void = () => {};
  const stopRequested = new Promise<number>((resolve) => {
    resolveStop = resolve;
  });

  const events: ChildEvents = {
    started: (name, pid) => logger.info({ child: name, childPid: pid }, 'child started'),
    exited: (name, exit) => logger.warn({ child: name, ...exit }, 'child exited'),
    fatal: (name, code) => {
      logger.error({ child: name, code }, 'child rejected its configuration; stopping the cluster');
      resolveStop(2);
    },
  };
  const processes = [...plan.services, plan.gateway];
  const children = processes.map(
    (planned) => new SupervisedChild(childSpec(planned, options), events, options.restartPolicy),
  );

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals += 1;
    if (signals === 1) {
      logger.info({ signal }, 'cluster stopping');
      resolveStop(0);
    } else {
      logger.warn({ signal }, 'second signal: killing children');
      for (const child of children) child.kill();
    }
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  for (const child of children) child.start();
  const readiness = new AbortController();
  const ready = Promise.all(
    processes.map((planned) =>
      waitUntilReady(`http://127.0.0.1:${planned.port}`, options.readyTimeoutMs, readiness.signal),
    ),
  ).then(
    () => {
      // Plain `url`/`name` keys would be redacted by the logger (they can carry identifiers).
      const ports = Object.fromEntries(processes.map((planned) => [planned.name, planned.port]));
      logger.info({ entry: `http://127.0.0.1:${plan.gateway.port}`, ports }, 'cluster ready');
    },
    (error: unknown) => {
      if (readiness.signal.aborted) return;
      logger.error({ err: error }, 'cluster did not become ready; stopping');
      resolveStop(1);
    },
  );

  const code = await stopRequested;
  readiness.abort();
  await ready;
  // Gateway first, so no new traffic reaches services that are draining.
  await children.at(-1)?.stop(options.stopTimeoutMs);
  await Promise.all(children.slice(0, -1).map((child) => child.stop(options.stopTimeoutMs)));
  process.off('SIGTERM', onSignal);
  process.off('SIGINT', onSignal);
  logger.info({ code }, 'cluster stopped');
  return code;
}

function childSpec(planned: PlannedProcess, options: RunClusterOptions) {
  return {
    name: planned.name,
    command: options.self.command,
    args: [...options.self.args, 'serve', planned.name],
    env: { ...options.env, ...planned.env, OTEL_SERVICE_NAME: planned.name, HEALTHLANE_SUPERVISED: '1' },
  };
}
