// Prints the top self-time functions (and packages) of a V8 .cpuprofile, e.g. one written by the
// server under `run.ts --cpu-prof-dir`. Usage:
// node --import tsx bench/records/profile-top.ts <file> [--top 25] [--skip-ms N (leave out start-up)]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame comes from: a node_modules package, a workspace folder, node internals or V8. */
function origin(url: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const workspace = /\/((?:packages|services|apps)\/[^/]+)\//.exec(url);
  if (workspace) return workspace[1]!;
  if (url.startsWith('node:')) return 'node internals';
  return url === '' ? '(V8 / native)' : url;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, 'skip-ms': { type: 'string', default: '0' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [--top 25] [--skip-ms N]');
const count = Number(values.top);
const skipMicros = Number(values['skip-ms']) * 1000;
const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfByFunction = new Map<string, number>();
const selfByOrigin = new Map<string, number>();
let total = 0;
let elapsed = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  elapsed += delta;
  const frame = byId.get(id)?.callFrame;
  if (!frame || elapsed < skipMicros) return;
  total += delta;
  const name = `${frame.functionName || '(anonymous)'} ${frame.url.replace(/^.*\/(node_modules|work\/main)\//, '')}:${frame.lineNumber + 1}`;
  selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + delta);
  const where = origin(frame.url);
  selfByOrigin.set(where, (selfByOrigin.get(where) ?? 0) + delta);
});

function print(title: string, entries: Map<string, number>, limit: number): void {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)`);
  for (const [name, micros] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(
      `${((micros / total) * 100).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${name}`,
    );
  }
}
print('self time by function', selfByFunction, count);
print('self time by origin', selfByOrigin, 15);
