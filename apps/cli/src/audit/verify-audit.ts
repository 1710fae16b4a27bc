// `healthlane audit verify`: opens the platform's database (PostgreSQL via DATABASE_URL, else the
// embedded one in HEALTHLANE_DATA_DIR), verifies the audit chain, and keeps an external anchor file
// (the last verified head) so that a later run also catches a tail removed with its checkpoints.
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { type Anchor, type VerifyReport, verifyAuditLog } from '@healthlane/audit-service';
import { type Database, openDatabase } from '@healthlane/store';

export interface VerifyAuditOptions {
  databaseUrl?: string;
  dataDir: string;
  /** AUDIT_CHECKPOINT_KEY: checkpoints must then carry valid signatures. */
  key?: string;
  /** Anchor file to check against and, when the chain is intact, to advance. */
  anchorPath?: string;
}

export interface VerifyAuditResult {
  report: VerifyReport;
  anchor?: Anchor;
  anchorUpdated: boolean;
}

export async function readAnchor(path: string): Promise<Anchor | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<Anchor>;
  if (
    !Number.isSafeInteger(parsed.seq) ||
    typeof parsed.hash !== 'string' ||
    !/^[0-9a-f]{64}$/.test(parsed.hash)
  ) {
    throw new Error(`${path} is not an audit anchor file ({ "seq", "hash" })`);
  }
  return { seq: parsed.seq as number, hash: parsed.hash };
}

async function writeAnchor(path: string, head: Anchor, now: Date): Promise<void> {
  const temporary = `${path}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ ...head, verifiedAt: now.toISOString() })}\n`, {
    mode: 0o600,
  });
  await chmod(temporary, 0o600);
  await rename(temporary, path);
}

async function open(options: VerifyAuditOptions): Promise<Database> {
  try {
    return await openDatabase(
      options.databaseUrl
        ? { url: options.databaseUrl, applicationName: 'healthlane-audit-verify' }
        : { dataDir: options.dataDir },
    );
  } catch (error) {
    if (options.databaseUrl) throw error;
    throw new Error(
      `cannot open the embedded database in ${options.dataDir} (${(error as Error).message.split('\n', 1)[0]}); ` +
        'while the platform runs, use GET /audit/chain/verify instead, or stop it first',
    );
  }
}

export async function verifyAudit(options: VerifyAuditOptions, now = new Date()): Promise<VerifyAuditResult> {
  const anchor = options.anchorPath === undefined ? undefined : await readAnchor(options.anchorPath);
  const db = await open(options);
  try {
    const { rows } = await db.query<{ exists: boolean }>(
      "SELECT to_regclass('audit.log') IS NOT NULL AS exists",
    );
    if (rows[0]?.exists !== true)
      throw new Error('this database has no audit log (the audit service never ran here)');
    const report = await verifyAuditLog(db, {
      ...(options.key === undefined ? {} : { key: options.key }),
      ...(anchor === undefined ? {} : { anchor }),
    });
    let anchorUpdated = false;
    if (report.ok && options.anchorPath !== undefined) {
      await writeAnchor(options.anchorPath, report.head, now);
      anchorUpdated = true;
    }
    return { report, ...(anchor === undefined ? {} : { anchor }), anchorUpdated };
  } finally {
    await db.close();
  }
}

export function formatReport(result: VerifyAuditResult): string {
  const { report } = result;
  const lines = [
    `audit log: ${report.records} records, head ${report.head.seq} (sha256 ${report.head.hash.slice(0, 16)}…), ` +
      `${report.checkpoints} checkpoints (${report.signedCheckpoints} signature-checked)`,
  ];
  if (result.anchor !== undefined) lines.push(`checked against the anchor at record ${result.anchor.seq}`);
  if (report.ok) {
    lines.push('OK: the chain is intact');
    if (result.anchorUpdated) lines.push(`anchor advanced to record ${report.head.seq}`);
  } else {
    lines.push(`TAMPERED: ${report.problems.length} problem(s)`);
    for (const problem of report.problems) lines.push(`  [${problem.kind}] ${problem.message}`);
  }
  return lines.join('\n');
}
