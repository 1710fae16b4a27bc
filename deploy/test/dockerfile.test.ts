// The Dockerfile cannot be built here (no Docker engine in CI), so its structure is checked: a
// multi-stage build, a numeric non-root user ≥ 10000 in the final stage, the bundle as entrypoint,
// and that the image ships what the bundle leaves external (apps/cli/build.mjs) and the demo data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/render.ts';

interface Stage {
  from: string;
  name: string;
  instructions: { keyword: string; args: string }[];
}

/** Splits a Dockerfile into stages of instructions (continuation lines joined, comments dropped). */
function parseDockerfile(text: string): { args: string[]; stages: Stage[] } {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const args: string[] = [];
  const stages: Stage[] = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    if (instruction.keyword === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(instruction.args);
      stages.push({ from: match?.[1] ?? '', name: match?.[2] ?? String(stages.length), instructions: [] });
    } else if (stages.length === 0) {
      args.push(instruction.args);
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(repoRoot, 'deploy/docker/Dockerfile'), 'utf8'));
const runtime = dockerfile.stages.at(-1)!;
const of = (stage: Stage, keyword: string) => stage.instructions.filter((entry) => entry.keyword === keyword);

describe('deploy/docker/Dockerfile', () => {
  it('is a multi-stage build on a pinned Node 20 image', () => {
    expect(dockerfile.stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile.args).toContain('NODE_IMAGE=node:20.20-bookworm-slim');
    const nodeImage = ['$', '{NODE_IMAGE}'].join(''); // the ARG, not a template string
    for (const stage of dockerfile.stages) expect(stage.from).toBe(nodeImage);
    expect(runtime.name).toBe('runtime');
  });

  it('runs the final stage as a numeric non-root user and group of at least 10000', () => {
    const users = of(runtime, 'USER');
    expect(users).toHaveLength(1);
    const [user, group] = users[0]!.args.split(':').map(Number);
    expect(user).toBeGreaterThanOrEqual(10000);
    expect(group).toBeGreaterThanOrEqual(10000);
    // Nothing runs as root after the switch.
    const afterUser = runtime.instructions.slice(runtime.instructions.indexOf(users[0]!) + 1);
    expect(afterUser.filter((entry) => entry.keyword === 'RUN')).toEqual([]);
  });

  it('starts the bundled CLI, so that Kubernetes passes `serve <service>`', () => {
    expect(JSON.parse(of(runtime, 'ENTRYPOINT')[0]!.args)).toEqual([
      'node',
      '--enable-source-maps',
      '/app/dist/healthlane.mjs',
    ]);
  });

  it('builds the bundle with npm run build and ships its folder (bundle + demo data)', () => {
    const build = dockerfile.stages.find((stage) => stage.name === 'build')!;
    expect(
      of(build, 'RUN')
        .map((entry) => entry.args)
        .join(' '),
    ).toContain('npm run build');
    const buildScript = readFileSync(join(repoRoot, 'apps/cli/build.mjs'), 'utf8');
    expect(buildScript).toContain("'./dist/healthlane.mjs'");
    expect(buildScript).toContain('demo-data');
    expect(of(runtime, 'COPY').map((entry) => entry.args)).toContain(
      '--from=build /src/apps/cli/dist /app/dist',
    );
  });

  it('ships production dependencies that include every package the bundle leaves external', () => {
    const deps = dockerfile.stages.find((stage) => stage.name === 'runtime-deps')!;
    expect(
      of(deps, 'RUN')
        .map((entry) => entry.args)
        .join(' '),
    ).toContain('npm ci --omit=dev --ignore-scripts');
    expect(of(runtime, 'COPY').map((entry) => entry.args)).toContain(
      '--from=runtime-deps /src/node_modules /app/node_modules',
    );
    const externals = /externalPackages = \[([^\]]*)\]/
      .exec(readFileSync(join(repoRoot, 'apps/cli/build.mjs'), 'utf8'))![1]!
      .split(',')
      .map((entry) => entry.trim().replace(/^'|'$/g, ''))
      .filter((name) => name !== 'pg-native'); // optional addon pg never loads unless asked
    expect(externals.length).toBeGreaterThan(0);
    const lock = JSON.parse(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
    for (const name of externals) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, name).toBeDefined();
      expect(entry.dev ?? false, `${name} must be a production dependency`).toBe(false);
    }
  });

  it('has a .dockerignore that keeps local state out and the sources in', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    for (const pattern of ['.git', '**/node_modules', '**/.healthlane', '**/dist'])
      expect(ignored).toContain(pattern);
    for (const kept of ['package.json', 'package-lock.json', 'packages', 'services', 'apps']) {
      expect(ignored.some((pattern) => pattern === kept || pattern.startsWith(`${kept}/`))).toBe(false);
    }
  });
});
