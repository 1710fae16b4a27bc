// How long the supervisor waits before restarting a child: doubling from `initialMs` up to
// `maxMs`, back to the start once a child has stayed up for `resetAfterMs` (it was healthy).

export interface RestartPolicyOptions {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export const defaultRestartPolicy: RestartPolicyOptions = {
  initialMs: 250,
  maxMs: 15_000,
  resetAfterMs: 30_000,
};

export class RestartPolicy {
  readonly #options: RestartPolicyOptions;
  #failures = 0;

  constructor(options: RestartPolicyOptions = defaultRestartPolicy) {
    this.#options = options;
  }

  /** The delay before the next start, given how long the child that just exited had run. */
  nextDelay(uptimeMs: number): number {
    if (uptimeMs >= this.#options.resetAfterMs) this.#failures = 0;
    const delay = Math.min(this.#options.maxMs, this.#options.initialMs * 2 ** this.#failures);
    this.#failures += 1;
    return delay;
  }
}
