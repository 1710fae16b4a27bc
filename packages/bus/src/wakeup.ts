// A resettable signal for background loops: `wait` sleeps until `wake` or a timeout, and a wake that
// arrives while the loop is busy is remembered, so no publish is ever slept through.

export interface Wakeup {
  wake(): void;
  /** Resolves at once if woken since the last wait, else on the next wake or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void>;
}

export function createWakeup(): Wakeup {
  let pending = false;
  let resolveSleep: (() => void) | undefined;
  return {
    wake() {
      pending = true;
      resolveSleep?.();
    },
    async wait(timeoutMs) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, timeoutMs));
          resolveSleep = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        resolveSleep = undefined;
      }
      pending = false;
    },
  };
}

/** Resolves with true if `promise` settles within `ms`, false otherwise; never rejects. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
