// Device ingest over HTTP (POST a batch, or an array of batches) and WebSocket (a stream of
// batches, each acknowledged by sequence number once durable). Replies name each refused sample's
// index and reason — never its value.
import { Problem } from '@healthlane/kit';
import { isSqlError } from '@healthlane/store';
import type { FastifyInstance } from 'fastify';
import type { IngestOutcome, IngestResult } from '../ingest/ingest-pipeline.ts';
import { WriterFullError } from '../store/sample-writer.ts';
import { closeAtTokenExpiry, type RouteDeps } from './route-deps.ts';

const maxBatchesPerRequest = 1_000;
/**
 * A large array is taken in slices with a turn of the event loop between them, so that a small
 * request (one deteriorating bed) arriving meanwhile is scored and alerted without waiting for
 * the whole array: under load this bounds how long the alert path waits behind bulk ingest.
 */
const batchesPerTurn = 50;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function transient(error: unknown): Problem | undefined {
  if (error instanceof WriterFullError) return Problem.tooMany('ingest is saturated; retry shortly');
  if (isSqlError(error)) return Problem.unavailable('samples could not be stored; retry');
  return undefined;
}

export function registerIngestRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/monitoring/v1/samples', async (request, reply) => {
    await deps.access({ action: 'ingest', request });
    const body = request.body;
    const batches = Array.isArray(body) ? body : [body];
    if (batches.length === 0 || batches.length > maxBatchesPerRequest) {
      throw Problem.invalid(
        `the body must be a device batch or an array of 1–${maxBatchesPerRequest} batches`,
      );
    }
    const results: Array<IngestOutcome | { error: string }> = [];
    try {
      const pending: Array<Promise<IngestResult>> = [];
      for (let i = 0; i < batches.length; i += 1) {
        if (i > 0 && i % batchesPerTurn === 0) await nextTurn();
        const outcome = deps.pipeline.ingest(batches[i]);
        outcome.catch(() => {}); // handled by Promise.all below; not unhandled across the turns
        pending.push(outcome);
      }
      const outcomes = await Promise.all(pending);
      for (const outcome of outcomes) results.push(outcome.ok ? outcome.outcome : { error: outcome.reason });
    } catch (error) {
      throw transient(error) ?? error;
    }
    const single = results[0];
    if (!Array.isArray(body) && single && 'error' in single) throw Problem.invalid(single.error);
    return reply.code(200).send(Array.isArray(body) ? { batches: results } : single);
  });

  app.get('/monitoring/v1/ingest', { websocket: true }, async (socket, request) => {
    const device = (request.query as { device?: string }).device;
    try {
      const principal = await deps.access({
        action: 'ingest',
        request,
        ...(device ? { deviceId: device } : {}),
      });
      closeAtTokenExpiry(socket, principal);
    } catch {
      socket.close(1008, 'not allowed');
      return;
    }
    socket.on('message', (data, isBinary) => {
      let message: unknown;
      let seq: unknown;
      try {
        if (isBinary) throw new Error('binary');
        message = JSON.parse(data.toString());
        seq = (message as { seq?: unknown } | null)?.seq;
      } catch {
        socket.send(JSON.stringify({ error: 'each message must be one JSON text frame' }));
        return;
      }
      deps.pipeline.ingest(message, device).then(
        (outcome) =>
          socket.send(
            JSON.stringify(outcome.ok ? { seq, ...outcome.outcome } : { seq, error: outcome.reason }),
          ),
        (error: unknown) =>
          socket.send(
            JSON.stringify({
              seq,
              error: transient(error)?.message ?? 'samples could not be stored; retry',
              retry: true,
            }),
          ),
      );
    });
  });
}
