// Polls a process's /readyz until it answers 200, the deadline passes or the wait is cancelled.
import { createHttpTransport, createPlatformClient } from '@healthlane/client';

export async function waitUntilReady(baseUrl: string, timeoutMs: number, signal: AbortSignal): Promise<void> {
  const transport = createHttpTransport({ baseUrl, timeoutMs: 2_000, connections: 1 });
  const client = createPlatformClient(transport);
  const deadline = Date.now() + timeoutMs;
  try {
    while (!signal.aborted) {
      const ready = await client.readyz().then(
        (report) => report.ok,
        () => false, // not listening yet, or restarting
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`not ready within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('cancelled');
  } finally {
    await transport.close();
  }
}
