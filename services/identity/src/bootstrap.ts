// First start of an empty install: an admin user and a system client (system/*.cruds, allowed to ask
// for narrower scopes, client_secret_basic in this dev bootstrap), and with HEALTHLANE_DEMO the demo
// clinical users (bootstrap-demo.ts). Credentials come from the environment (then no file is
// written, and no demo users are made) or are generated and written ONCE to
// HEALTHLANE_DATA_DIR/bootstrap.json with mode 0600. What already exists is never overwritten.
// Every start also writes the console's public client (bootstrap-console.ts).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from '@healthlane/store';
import type { Logger } from 'pino';
import { consoleUrls, provisionConsoleClient } from './bootstrap-console.ts';
import {
  type DemoUserCredentials,
  demoCredentials,
  insertDemoUsers,
  type PreparedDemoUser,
  prepareDemoUsers,
} from './bootstrap-demo.ts';
import type { IdentityConfig } from './config.ts';
import { hashPassword } from './domain/password.ts';
import { findUserByName, insertUser } from './store/users.ts';

export interface BootstrapCredentials {
  fhirBaseUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  adminUser: string;
  adminPassword: string;
  /** Where the clinician console is served (sign in there with a demo user). */
  consoleUrl: string;
  /** With HEALTHLANE_DEMO: the demo clinical users and their generated passwords. */
  demoUsers?: DemoUserCredentials[];
}

export const bootstrapFileName = 'bootstrap.json';
const bootstrappedQuery = "SELECT 1 FROM identity.secret WHERE name = 'bootstrapped'";

/** The oidc-provider metadata of the bootstrap system client. */
export function bootstrapClientMetadata(clientId: string, clientSecret: string): Record<string, unknown> {
  return {
    client_id: clientId,
    client_secret: clientSecret,
    client_name: 'HealthLane bootstrap system client',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    hl_scope: 'system/*.cruds',
    hl_roles: ['integration', 'admin'],
  };
}

export async function runBootstrap(
  db: Database,
  config: IdentityConfig,
  logger: Logger,
  now: Date,
): Promise<{ created: boolean; file?: string }> {
  await provisionConsoleClient(db, config.access.publicUrl, logger);
  // The usual restart: bootstrapped long ago, so no passwords to hash (checked again under the lock).
  if ((await db.query(bootstrappedQuery)).rowCount > 0) return { created: false };
  const fromEnv = config.bootstrap;
  const generated = fromEnv.clientId === undefined || fromEnv.adminUser === undefined;
  const inMemory = config.dataDir.startsWith('memory://');
  const credentials: BootstrapCredentials = {
    fhirBaseUrl: config.access.fhirBaseUrl,
    tokenUrl: `${config.access.issuer}/token`,
    clientId: fromEnv.clientId ?? `bootstrap-${randomUUID()}`,
    clientSecret: fromEnv.clientSecret ?? randomBytes(32).toString('base64url'),
    adminUser: fromEnv.adminUser ?? 'admin',
    adminPassword: fromEnv.adminPassword ?? randomBytes(18).toString('base64url'),
    consoleUrl: consoleUrls(config.access.publicUrl).console,
  };
  // Demo users only where their passwords can be handed over: the file this start writes. The
  // password hashes are made side by side (scrypt runs on the thread pool).
  const [passwordHash, demoUsers] = await Promise.all([
    hashPassword(credentials.adminPassword),
    config.demo && generated && !inMemory ? prepareDemoUsers() : Promise.resolve<PreparedDemoUser[]>([]),
  ]);
  const created = await db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('identity.bootstrap'))");
    const done = await tx.query(bootstrappedQuery);
    if (done.rowCount > 0) return undefined;
    if ((await findUserByName(tx, credentials.adminUser)) === undefined) {
      await insertUser(
        tx,
        {
          id: randomUUID(),
          username: credentials.adminUser,
          displayName: 'Administrator',
          roles: ['admin'],
          patientId: null,
          passwordHash,
        },
        now,
      );
    }
    await tx.query(
      `INSERT INTO identity.oidc_model (model, id, payload) VALUES ('Client', $1, $2) ON CONFLICT (model, id) DO NOTHING`,
      [credentials.clientId, bootstrapClientMetadata(credentials.clientId, credentials.clientSecret)],
    );
    const demo = await insertDemoUsers(tx, demoUsers, now);
    await tx.query("INSERT INTO identity.secret (name, value) VALUES ('bootstrapped', $1)", [
      now.toISOString(),
    ]);
    return { demo };
  });
  if (created === undefined) return { created: false };
  if (created.demo.length > 0) credentials.demoUsers = demoCredentials(created.demo);
  if (!generated) {
    logger.info('bootstrap admin user and system client created from the environment');
    return { created: true };
  }
  if (inMemory) {
    logger.warn('bootstrap credentials generated but not written: the data directory is in memory');
    return { created: true };
  }
  await mkdir(config.dataDir, { recursive: true });
  const file = join(config.dataDir, bootstrapFileName);
  try {
    // 'wx': never overwrite an existing file; 0600: readable by the owner only.
    const handle = await open(file, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(credentials, null, 2)}\n`);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      logger.warn({ file }, 'bootstrap.json exists already and was left as it is');
      return { created: true };
    }
    throw error;
  }
  logger.info(
    { file, demoUsers: created.demo.length },
    'bootstrap credentials written (admin user, system client, demo users)',
  );
  return { created: true, file };
}
