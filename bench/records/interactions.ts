// The FHIR interactions the records benchmark drives, each as a stream of planned requests that
// autocannon sends (one shared rotation over all connections) and that a failure probe can replay.
import type { Request } from 'autocannon';
import { createBodies, transactionBodyFactory, updateBodyFactory } from './fixtures.ts';

export const interactionNames = ['read', 'create', 'update', 'transaction'] as const;
export type InteractionName = (typeof interactionNames)[number];

export const OBSERVATIONS_PER_TRANSACTION = 10;

export interface PlannedRequest {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  body?: string;
}

export interface Interaction {
  name: InteractionName;
  /** Resources written or read per request (a transaction Bundle carries several). */
  resourcesPerRequest: number;
  next(): PlannedRequest;
}

const base = '/fhir/R4';
const readHeaders: Readonly<Record<string, string>> = { accept: 'application/fhir+json' };
const writeHeaders: Readonly<Record<string, string>> = {
  accept: 'application/fhir+json',
  'content-type': 'application/fhir+json',
};

export function buildInteraction(name: InteractionName, ids: readonly string[]): Interaction {
  let turn = 0;
  switch (name) {
    case 'read':
      return {
        name,
        resourcesPerRequest: 1,
        next: () => ({ method: 'GET', path: `${base}/Patient/${ids[turn++ % ids.length]}` }),
      };
    case 'create': {
      const bodies = createBodies(64);
      return {
        name,
        resourcesPerRequest: 1,
        next: () => ({ method: 'POST', path: `${base}/Patient`, body: bodies[turn++ % bodies.length] }),
      };
    }
    case 'update': {
      const body = updateBodyFactory(ids);
      // Revisions count up across runs, so no update repeats the content it replaces (a no-op).
      return {
        name,
        resourcesPerRequest: 1,
        next: () => {
          const index = turn++ % ids.length;
          return { method: 'PUT', path: `${base}/Patient/${ids[index]}`, body: body(index, turn) };
        },
      };
    }
    case 'transaction': {
      const body = transactionBodyFactory(OBSERVATIONS_PER_TRANSACTION);
      return {
        name,
        resourcesPerRequest: 1 + OBSERVATIONS_PER_TRANSACTION,
        next: () => ({ method: 'POST', path: base, body: body() }),
      };
    }
  }
}

/** One autocannon request template that asks the interaction for each next request. */
export function autocannonRequests(interaction: Interaction): Request[] {
  return [
    {
      setupRequest: (request) => {
        const planned = interaction.next();
        return {
          ...request,
          method: planned.method,
          path: planned.path,
          // A copy: autocannon writes Content-Length into the headers object it is given.
          headers: { ...(planned.body === undefined ? readHeaders : writeHeaders) },
          ...(planned.body === undefined ? {} : { body: planned.body }),
        };
      },
    },
  ];
}

/** Sends one request of the interaction with fetch and returns its status, for the record. */
export async function sendOne(
  origin: string,
  interaction: Interaction,
): Promise<{ status: number; body: string }> {
  const planned = interaction.next();
  const response = await fetch(`${origin}${planned.path}`, {
    method: planned.method,
    headers: { ...(planned.body === undefined ? readHeaders : writeHeaders) },
    ...(planned.body === undefined ? {} : { body: planned.body }),
    signal: AbortSignal.timeout(15_000),
  });
  return { status: response.status, body: await response.text() };
}

/** What a failing request answered, without any resource content: status and issue codes only. */
export async function describeFailure(origin: string, interaction: Interaction): Promise<string> {
  try {
    const { status, body } = await sendOne(origin, interaction);
    let issues = '';
    try {
      const outcome = JSON.parse(body) as { issue?: Array<{ code?: string; diagnostics?: string }> };
      issues = (outcome.issue ?? []).map((issue) => `${issue.code}: ${issue.diagnostics ?? ''}`).join('; ');
    } catch {
      // not JSON
    }
    return `probe answered ${status}${issues ? ` (${issues})` : ''}`;
  } catch (error) {
    return `probe failed: ${(error as Error).message}`;
  }
}
