// Benchmark: the console's first load on localhost, in Debian's Chromium against the real platform
// (records over in-memory PGlite, the console built for production): for each run a fresh browser
// profile (cold cache) opens /patients and we record Navigation Timing (DOMContentLoaded, load) and
// the time until the patient table is on screen (the screen's own API call included).
// Writes apps/web/bench/results/first-load-<date>.json with machine, date and command.
//
// Usage: node --import tsx apps/web/bench/first-load.ts [runs]   (default 10)
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { openBrowser } from '../test/support/browser.ts';
import { clinicalBundle } from '../test/support/clinical-fixture.ts';
import { startPlatform, transact } from '../test/support/platform.ts';

const runs = Number(process.argv[2] ?? '10');
const platform = await startPlatform();
await transact(platform, clinicalBundle());
const samples: Array<{
  domContentLoadedMs: number;
  loadMs: number;
  patientsOnScreenMs: number;
  transferredBytes: number;
}> = [];
try {
  for (let run = 0; run < runs; run++) {
    const browser = await openBrowser();
    try {
      const page = await browser.newPage();
      await page.goto(`${platform.url}/patients`);
      await page.locator('table.patients tbody tr').first().waitFor();
      const timing = await page.evaluate(() => {
        const perf = (globalThis as unknown as { performance: Performance }).performance;
        const [navigation] = perf.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        const resources = perf.getEntriesByType('resource') as PerformanceResourceTiming[];
        return {
          domContentLoadedMs: navigation!.domContentLoadedEventEnd,
          loadMs: navigation!.loadEventEnd,
          patientsOnScreenMs: perf.now(),
          transferredBytes:
            navigation!.transferSize + resources.reduce((sum, entry) => sum + entry.transferSize, 0),
        };
      });
      samples.push(timing);
    } finally {
      await browser.close();
    }
  }
} finally {
  await platform.stop();
}

const stat = (key: keyof (typeof samples)[number]) => {
  const values = samples.map((sample) => sample[key]).sort((a, b) => a - b);
  return {
    median: values[Math.floor(values.length / 2)]!,
    p90: values[Math.min(values.length - 1, Math.ceil(values.length * 0.9) - 1)]!,
    max: values[values.length - 1]!,
  };
};
const result = {
  benchmark: 'console first load (cold cache, localhost)',
  date: new Date().toISOString(),
  command: `node --import tsx apps/web/bench/first-load.ts ${runs}`,
  machine: {
    cpus: cpus().length,
    model: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverage: loadavg(),
  },
  runs,
  domContentLoadedMs: stat('domContentLoadedMs'),
  loadMs: stat('loadMs'),
  patientsOnScreenMs: stat('patientsOnScreenMs'),
  transferredBytes: stat('transferredBytes'),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
const file = fileURLToPath(new URL(`./results/first-load-${result.date.slice(0, 10)}.json`, import.meta.url));
await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
process.stdout.write(`written ${file}\n`);
