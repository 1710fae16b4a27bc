// One child process kept alive by the supervisor: started, restarted with back-off when it dies,
// and stopped with SIGTERM (then SIGKILL past the deadline) when the cluster shuts down.
import { type ChildProcess, spawn } from 'node:child_process';
import { relayLines } from './child-output.ts';
import { RestartPolicy, type RestartPolicyOptions } from './restart-policy.ts';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
}

export interface ChildEvents {
  /** A child exited on its own; `restartInMs` is undefined when it will not be restarted. */
  exited(
    name: string,
    exit: { code: number | null; signal: NodeJS.Signals | null; uptimeMs: number; restartInMs?: number },
  ): void;
  started(name: string, pid: number | undefined): void;
  /** Exit code 2 is a configuration error: restarting cannot fix it. */
  fatal(name: string, code: number): void;
}

export class SupervisedChild {
  readonly spec: ChildSpec;
  readonly #events: ChildEvents;
  readonly #policy: RestartPolicy;
  #process: ChildProcess | undefined;
  #startedAt = 0;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(spec: ChildSpec, events: ChildEvents, policy?: RestartPolicyOptions) {
    this.spec = spec;
    this.#events = events;
    this.#policy = new RestartPolicy(policy);
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  start(): void {
    // Own process group, so a terminal's Ctrl-C reaches only the supervisor, which then stops
    // children in order. stdin stays an open pipe: a child exits when it closes (supervisor gone).
    const child = spawn(this.spec.command, this.spec.args, {
      env: this.spec.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#process = child;
    this.#startedAt = Date.now();
    relayLines(this.spec.name, child.stdout!, process.stdout);
    relayLines(this.spec.name, child.stderr!, process.stderr);
    this.#exited = new Promise((resolve) => {
      // 'close' (not 'exit') so the last output lines are relayed before anyone hears of it.
      child.once('close', (code, signal) => {
        resolve();
        this.#onExit(code, signal);
      });
    });
    child.once('error', () => {
      // Spawn failures (ENOENT, EACCES) also emit 'close' with a code; nothing more to do here.
    });
    this.#events.started(this.spec.name, child.pid);
  }

  /** SIGTERM, then SIGKILL if it has not exited by `timeoutMs`. Resolves once it is gone. */
  async stop(timeoutMs: number): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await this.#exited;
    clearTimeout(killer);
  }

  /** Immediate SIGKILL, for a second Ctrl-C. */
  kill(): void {
    this.#stopping = true;
    clearTimeout(this.#restartTimer);
    this.#process?.kill('SIGKILL');
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    const uptimeMs = Date.now() - this.#startedAt;
    if (this.#stopping) return;
    if (code === 2) {
      this.#events.exited(this.spec.name, { code, signal, uptimeMs });
      this.#events.fatal(this.spec.name, code);
      return;
    }
    const restartInMs = this.#policy.nextDelay(uptimeMs);
    this.#events.exited(this.spec.name, { code, signal, uptimeMs, restartInMs });
    this.#restartTimer = setTimeout(() => {
      if (!this.#stopping) this.start();
    }, restartInMs);
  }
}
