// `healthlane audit verify`: checks the audit trail's hash chain, sequence and checkpoints.
import { formatReport, verifyAudit } from '../audit/verify-audit.ts';
import { type Command, parseCommandArgs, usageLine } from '../command.ts';
import { UsageError } from '../usage-error.ts';

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify the tamper-evident audit trail (audit verify)',
  help: `Usage: healthlane audit verify [--anchor FILE] [--json]

Verifies the audit log: a gap-free sequence from 1, every record's SHA-256 hash over the previous
one, every record at its own position, the checkpoints the audit service wrote (and their HMAC
signatures when AUDIT_CHECKPOINT_KEY is set), and no record past the last valid checkpoint.

Options:
  --anchor FILE  also check against the head recorded in FILE by an earlier run, and advance it when
                 the chain is intact (keep FILE outside the database host: it catches a tail removed
                 together with its checkpoints)
  --json         print the report as JSON

Environment:
  DATABASE_URL            the PostgreSQL database (else the embedded one in HEALTHLANE_DATA_DIR,
                          ./.healthlane, which must not be open by a running platform)
  AUDIT_CHECKPOINT_KEY    the checkpoint signing key, as given to the audit service

Exit codes: 0 intact, 1 tampered or failed, 2 invalid usage.`,
  async run({ args, env }) {
    const { values, positionals } = parseCommandArgs(
      this,
      args,
      { anchor: { type: 'string' }, json: { type: 'boolean' } },
      { max: 1 },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals[0] !== 'verify') {
      throw new UsageError(
        positionals[0] === undefined ? 'missing subcommand' : `unknown subcommand "${positionals[0]}"`,
        usageLine(this.help),
      );
    }
    const key = env.AUDIT_CHECKPOINT_KEY === '' ? undefined : env.AUDIT_CHECKPOINT_KEY;
    const databaseUrl = env.DATABASE_URL === '' ? undefined : env.DATABASE_URL;
    const result = await verifyAudit({
      dataDir: env.HEALTHLANE_DATA_DIR || './.healthlane',
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      ...(key === undefined ? {} : { key }),
      ...(values.anchor === undefined ? {} : { anchorPath: values.anchor }),
    });
    console.log(values.json ? JSON.stringify(result) : formatReport(result));
    return result.report.ok ? 0 : 1;
  },
};
