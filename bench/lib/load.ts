// One load run with autocannon: fixed connections for a fixed time, reporting throughput,
// latency percentiles and failures. Always bounded in time; targets loopback only.
import autocannon, { type Request } from 'autocannon';

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Builds each request (e.g. a different id per request); overrides method/body. */
  requests?: Request[];
}

export interface LoadFigures {
  connections: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  total: number;
  /** Failed requests: connection errors and timeouts (autocannon counts a timeout as an error too). */
  errors: number;
  /** Of `errors`, requests unanswered within the 10 s timeout. */
  timeouts: number;
  non2xx: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const host = new URL(options.url).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    throw new Error('benchmarks only target loopback addresses');
  }
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 10,
    ...(options.method ? { method: options.method } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.body ? { body: options.body } : {}),
    ...(options.requests ? { requests: options.requests } : {}),
  });
  return {
    connections: options.connections,
    requestsPerSecond: Math.round(result.requests.average),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    total: result.requests.total,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
  };
}
