// What `healthlane start` tells the person who ran it once the platform is up: where the console
// is, and — only on the start whose bootstrap wrote bootstrap.json — the users to sign in with and
// their generated passwords, once (the file keeps them; no log line ever carries them).
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';

interface BootstrapFile {
  consoleUrl?: string;
  adminUser?: string;
  adminPassword?: string;
  demoUsers?: Array<{ username: string; password: string; roles: string[] }>;
}

export function bootstrapFilePath(dataDir: string): string | undefined {
  return dataDir.startsWith('memory://') ? undefined : join(dataDir, 'bootstrap.json');
}

export async function fileExists(path: string | undefined): Promise<boolean> {
  if (path === undefined) return false;
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * The banner. `fresh`: bootstrap.json was written by this start, so its passwords are shown; else
 * the file is only named (it may hold passwords changed since, or none).
 */
export async function startBanner(options: {
  consoleUrl: string;
  file: string | undefined;
  fresh: boolean;
  demoMonitors: boolean;
}): Promise<string> {
  const lines = ['', `HealthLane is running. Clinician console: ${options.consoleUrl}`];
  const written = options.fresh && options.file ? await readBootstrap(options.file) : undefined;
  if (written) {
    const users = [
      ...(written.demoUsers ?? []).map((user) => [user.username, user.password, user.roles.join(', ')]),
      ...(written.adminUser && written.adminPassword
        ? [[written.adminUser, written.adminPassword, 'admin (administration, no patient data)']]
        : []),
    ];
    const width = Math.max(...users.map(([name]) => name!.length), 8);
    lines.push(
      'Sign in with these users (passwords generated for this install, shown only now;',
      `they are kept in ${options.file}, readable by you only):`,
      ...users.map(([name, password, roles]) => `  ${name!.padEnd(width)}  ${password}  ${roles}`),
    );
  } else if (options.file && (await fileExists(options.file))) {
    lines.push(`Users and passwords from the first start: ${options.file}`);
  }
  if (options.demoMonitors) {
    lines.push(
      'Demo: simulated bedside monitors stream vitals for the demo patients (monitoring wall, ward',
      '"Demo ward"); HEALTHLANE_DEMO=0 turns the demo off.',
    );
  }
  return `${lines.join('\n')}\n`;
}

async function readBootstrap(file: string): Promise<BootstrapFile | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as BootstrapFile;
  } catch {
    return undefined;
  }
}
