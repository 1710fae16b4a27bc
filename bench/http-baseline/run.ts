// HTTP baseline: a bare node:http server vs HealthLane's full request pipeline (gateway edge hooks,
// request id, metrics, trace span, JSON log) on the same machine, at 1, 16 and 64 connections.
// Usage: node --import tsx bench/http-baseline/run.ts [--path /] [--seconds 10]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startChildServer } from '../lib/child-server.ts';
import { freePort } from '../lib/free-port.ts';
import { type LoadFigures, runLoad } from '../lib/load.ts';
import { recordResult } from '../lib/results.ts';

const { values } = parseArgs({
  options: { path: { type: 'string', default: '/' }, seconds: { type: 'string', default: '10' } },
});
const path = values.path;
const seconds = Number(values.seconds);
const connectionCounts = [1, 16, 64];
const root = new URL('../..', import.meta.url).pathname;
const work = await mkdtemp(join(tmpdir(), 'hl-bench-'));

async function measure(url: string): Promise<LoadFigures[]> {
  const figures: LoadFigures[] = [];
  await runLoad({ url, connections: 16, durationSeconds: 2 }); // warm-up (JIT, caches)
  for (const connections of connectionCounts) {
    const run = await runLoad({ url, connections, durationSeconds: seconds });
    console.log(
      `  c=${connections}: ${run.requestsPerSecond} req/s, p50 ${run.latencyMs.p50} ms, p99 ${run.latencyMs.p99} ms, errors ${run.errors}, non-2xx ${run.non2xx}`,
    );
    figures.push(run);
  }
  return figures;
}

try {
  const port = await freePort();
  console.log(`HealthLane (healthlane start, PGlite in memory) GET ${path}`);
  const platform = await startChildServer({
    args: ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), 'start'],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      HEALTHLANE_DATA_DIR: 'memory://',
      LOG_LEVEL: 'warn',
      HEALTHLANE_DEMO: '0',
      // One load generator stands for many clients: the per-client limit (500/s) would cap the run.
      GATEWAY_RATE_LIMIT_PER_SECOND: '1000000',
    },
    readyUrl: `http://127.0.0.1:${port}/readyz`,
    url: `http://127.0.0.1:${port}${path}`,
  });
  const response = await fetch(platform.url);
  const body = Buffer.from(await response.arrayBuffer());
  const platformFigures = await measure(platform.url);
  const platformRss = await platform.rssMiB();
  await platform.stop();

  console.log(`bare node:http answering the same ${body.length} bytes`);
  const bodyFile = join(work, 'body');
  await writeFile(bodyFile, body);
  const barePort = await freePort();
  const bare = await startChildServer({
    args: ['--import', 'tsx', join(root, 'bench/lib/bare-server.ts'), String(barePort), bodyFile],
    readyUrl: `http://127.0.0.1:${barePort}/`,
    url: `http://127.0.0.1:${barePort}/`,
  });
  const bareFigures = await measure(bare.url);
  await bare.stop();

  const ratios = connectionCounts.map((connections, index) => ({
    connections,
    ratio:
      Math.round(
        ((platformFigures[index]?.requestsPerSecond ?? 0) / (bareFigures[index]?.requestsPerSecond || 1)) *
          100,
      ) / 100,
  }));
  console.log('ratio HealthLane / bare:', ratios.map((r) => `c=${r.connections}: ${r.ratio}`).join(', '));
  await recordResult(
    'http-baseline',
    {
      path,
      seconds,
      bodyBytes: body.length,
      platform: platformFigures,
      platformRssMiB: platformRss,
      bare: bareFigures,
      ratios,
    },
    'Load generator (autocannon) runs on the same 2-core machine as the server, as in every bench here.',
  );
} finally {
  await rm(work, { recursive: true, force: true });
}
