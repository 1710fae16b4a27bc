// Readiness of a process: named checks of its dependencies, and a draining flag that shutdown
// raises so load balancers stop sending traffic before the listener closes.
import type { Logger } from 'pino';

/** Resolves when the dependency is usable; throws (or times out) otherwise. */
export type ReadinessCheck = () => Promise<void>;

export type CheckState = 'ok' | 'failed';

export interface ReadinessReport {
  ready: boolean;
  status: 'ready' | 'not-ready' | 'draining';
  /** Check name → ok/failed. Never error text: the body is public. */
  checks: Record<string, CheckState>;
}

export interface HealthOptions {
  /** A check that has not answered within this time counts as failed. Default 2000. */
  checkTimeoutMs?: number;
  /** Where failures are logged (once per change of state, not on every probe). */
  logger?: Logger;
}

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`readiness check timed out after ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  return Promise.race([Promise.resolve().then(check), timeout]).finally(() => clearTimeout(timer));
}

export class Health {
  readonly #checks = new Map<string, ReadinessCheck>();
  readonly #lastState = new Map<string, CheckState>();
  readonly #timeoutMs: number;
  readonly #logger: Logger | undefined;
  #draining = false;

  constructor(options: HealthOptions = {}) {
    this.#timeoutMs = options.checkTimeoutMs ?? 2000;
    this.#logger = options.logger;
  }

  addCheck(name: string, check: ReadinessCheck): void {
    if (this.#checks.has(name)) throw new Error(`readiness check '${name}' is already registered`);
    this.#checks.set(name, check);
  }

  /** From now on the process reports itself unready; there is no way back. */
  setDraining(): void {
    this.#draining = true;
  }

  get draining(): boolean {
    return this.#draining;
  }

  async check(): Promise<ReadinessReport> {
    if (this.#draining) return { ready: false, status: 'draining', checks: {} };
    const entries = await Promise.all(
      [...this.#checks].map(async ([name, check]): Promise<[string, CheckState]> => {
        try {
          await withTimeout(check, this.#timeoutMs);
          this.#record(name, 'ok');
          return [name, 'ok'];
        } catch (error) {
          this.#record(name, 'failed', error);
          return [name, 'failed'];
        }
      }),
    );
    const checks = Object.fromEntries(entries);
    const ready = entries.every(([, state]) => state === 'ok');
    return { ready, status: ready ? 'ready' : 'not-ready', checks };
  }

  #record(name: string, state: CheckState, error?: unknown): void {
    const previous = this.#lastState.get(name);
    this.#lastState.set(name, state);
    if (previous === state || this.#logger === undefined) return;
    if (state === 'failed') this.#logger.warn({ check: name, err: error }, 'readiness check failed');
    else if (previous === 'failed') this.#logger.info({ check: name }, 'readiness check recovered');
  }
}
