// `healthlane cluster` as a child of a fault test. Only the supervisor's own log lines are kept
// (and a short tail of everything, for failure messages): at info level every request writes a
// line, far too many to keep through a long load.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mainScript, repoRoot } from './spawn-cli.ts';

export interface ClusterLine {
  service?: string;
  msg?: string;
  child?: string;
  childPid?: number;
  ports?: Record<string, number>;
}

export interface Cluster {
  child: ChildProcess;
  lines: ClusterLine[];
  tail: () => string;
  /** The last 200 warn/error lines of every process. */
  warnings: string[];
  exited: Promise<unknown>;
}

export function spawnCluster(env: Record<string, string>): Cluster {
  const child = spawn(process.execPath, ['--import', 'tsx', mainScript, 'cluster'], {
    cwd: repoRoot,
    env: { ...process.env, NODE_OPTIONS: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: ClusterLine[] = [];
  const recent: string[] = [];
  const warnings: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > 60) recent.shift();
    if (line.includes('"level":"warn"') || line.includes('"level":"error"')) {
      warnings.push(line);
      if (warnings.length > 200) warnings.shift();
    }
  };
  createInterface({ input: child.stdout! }).on('line', (line) => {
    keep(line);
    if (line.includes('"service":"cluster"')) lines.push(JSON.parse(line) as ClusterLine);
  });
  createInterface({ input: child.stderr! }).on('line', keep);
  const exited = new Promise((resolve) => child.once('close', resolve));
  return { child, lines, tail: () => recent.join('\n'), warnings, exited };
}

/** Pids of every child started so far (restarts included), oldest first. */
export function childPids(cluster: Cluster, name?: string): number[] {
  return cluster.lines
    .filter((line) => line.msg === 'child started' && (name === undefined || line.child === name))
    .map((line) => line.childPid!);
}

export async function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Resolves with the 'cluster ready' line (it names every child's port). */
export function clusterReady(cluster: Cluster, timeoutMs: number): Promise<ClusterLine> {
  return until(
    'cluster ready',
    () => cluster.lines.find((line) => line.msg === 'cluster ready'),
    timeoutMs,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${cluster.tail()}`);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM (the orderly stop), SIGKILL after 30 s; then any child still alive is killed. */
export async function stopCluster(cluster: Cluster | undefined): Promise<void> {
  if (cluster === undefined || cluster.child.exitCode !== null || cluster.child.signalCode !== null) return;
  const children = childPids(cluster);
  cluster.child.kill('SIGTERM');
  const stopped = await Promise.race([
    cluster.exited.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 30_000)),
  ]);
  if (!stopped) cluster.child.kill('SIGKILL');
  for (const pid of children) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** A client_credentials token from the bootstrap client, through the gateway. */
export async function clientToken(
  gatewayUrl: string,
  client: { id: string; secret: string },
  scope: string,
): Promise<string> {
  const response = await fetch(`${gatewayUrl}/auth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
    },
    body: `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`,
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}
