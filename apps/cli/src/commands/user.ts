// `healthlane user reset-password <username>`: the operator's way back in when an admin password is
// lost. Opens the platform's database directly (PostgreSQL, or the embedded one in the data folder
// while the platform is stopped), sets the new password, ends the user's sessions and refresh
// tokens, and queues the revocation event and its AuditEvent for identity's outbox relays to publish.
import { createOutbox, openBus } from '@healthlane/bus';
import { createIdentityAudit, resetPassword } from '@healthlane/identity';
import { openDatabase } from '@healthlane/store';
import { type Command, parseCommandArgs, usageLine } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const userCommand: Command = {
  name: 'user',
  summary: 'manage users directly in the database (reset-password)',
  help: `Usage: healthlane user reset-password <username> [--password-stdin]

Sets a new password for <username> (an admin who lost theirs), clears any lockout, ends the user's
sessions and refresh tokens, and queues their revocation so running services stop their access
tokens. Without --password-stdin a strong password is generated and printed once.

Environment:
  DATABASE_URL            the PostgreSQL database (else the embedded one in HEALTHLANE_DATA_DIR,
                          default ./.healthlane — stop the platform first: PGlite has one user)
  NATS_URL                not needed: the event is queued in identity's outbox

Exit codes: 0 done, 1 failed (unknown user, database unreachable), 2 invalid usage.`,
  async run({ args, env }) {
    const { values, positionals } = parseCommandArgs(
      this,
      args,
      { 'password-stdin': { type: 'boolean' } },
      { max: 2 },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    const [action, username] = positionals;
    if (action !== 'reset-password' || username === undefined) {
      throw new UsageError('expected: user reset-password <username>', usageLine(this.help));
    }
    const password = values['password-stdin'] ? (await readStdin()).trim() : undefined;
    const db = await openDatabase(
      env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.HEALTHLANE_DATA_DIR || './.healthlane' },
    );
    try {
      // The event only needs the outbox table; the bus is opened because the outbox port wants one.
      const bus = await openBus({ db });
      try {
        const outbox = createOutbox({ db, bus, schema: 'identity' });
        const audit = createIdentityAudit({ db, bus, now: () => new Date() });
        await audit.producer.migrate();
        const result = await resetPassword(db, outbox, username, password, new Date(), audit.producer);
        console.log(`password reset for "${result.username}"; their sessions and refresh tokens were ended`);
        if (result.generatedPassword) console.log(`new password (shown once): ${result.generatedPassword}`);
      } finally {
        await bus.close();
      }
    } finally {
      await db.close();
    }
    return 0;
  },
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
