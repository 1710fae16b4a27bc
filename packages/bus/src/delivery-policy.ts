// Defaults and the retry schedule both adapters apply, so their redelivery timing agrees.
import type { SubscribeOptions } from './bus-port.ts';

export interface DeliveryPolicy {
  ackWaitMs: number;
  maxDeliver: number;
  retryBackoffMs: number;
  concurrency: number;
  /** Most deliveries one `handleBatch` call receives. */
  batchSize: number;
}

const maxRetryBackoffMs = 60_000;
const maxCloseGraceMs = 5_000;

export function deliveryPolicy(
  options: Pick<
    SubscribeOptions,
    'ackWaitMs' | 'maxDeliver' | 'retryBackoffMs' | 'concurrency' | 'batchSize'
  >,
): DeliveryPolicy {
  const policy = {
    ackWaitMs: options.ackWaitMs ?? 30_000,
    maxDeliver: options.maxDeliver ?? 10,
    retryBackoffMs: options.retryBackoffMs ?? 1_000,
    concurrency: options.concurrency ?? 1,
    batchSize: options.batchSize ?? 100,
  };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  }
  return policy;
}

/** Delay before the next delivery after the `deliveryCount`-th one failed: exponential, capped. */
export function retryDelayMs(policy: DeliveryPolicy, deliveryCount: number): number {
  return Math.min(policy.retryBackoffMs * 2 ** Math.max(0, deliveryCount - 1), maxRetryBackoffMs);
}

/** How long closing a subscription waits for running handlers before handing their messages back. */
export function closeGraceMs(policy: DeliveryPolicy): number {
  return Math.min(policy.ackWaitMs, maxCloseGraceMs);
}
