// Waiting helpers for asynchronous delivery in tests: poll a condition, collect deliveries.
import type { DeliveredMessage } from '../../src/index.ts';

export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A handler that records every delivery, optionally doing `behaviour` first. */
export function collector<T = unknown>(behaviour?: (message: DeliveredMessage<T>) => Promise<void>) {
  const received: DeliveredMessage<T>[] = [];
  return {
    received,
    handler: async (message: DeliveredMessage<T>) => {
      received.push(message);
      await behaviour?.(message);
    },
    ids: () => received.map((message) => message.id),
  };
}

/** A promise that never settles: a handler that hangs, as in a wedged or dying consumer. */
export const never = () => new Promise<never>(() => {});
