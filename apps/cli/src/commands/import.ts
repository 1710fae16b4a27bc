// `healthlane import <files|dirs...>`: loads transaction/batch Bundles and NDJSON into a running
// HealthLane over HTTP, resumable through a journal.
import { resolve } from 'node:path';
import {
  credentialArgs,
  credentialHelp,
  credentialOptions,
  resolveCliAuth,
} from '../auth/cli-credentials.ts';
import { type Command, parseCommandArgs, usageLine } from '../command.ts';
import { formatSummary, importExitCode, runImport } from '../import/run-import.ts';
import { UsageError } from '../usage-error.ts';

function positiveInt(value: string | undefined, fallback: number, flag: string, help: string): number {
  if (value === undefined) return fallback;
  if (!/^\d{1,6}$/.test(value) || Number(value) < 1)
    throw new UsageError(`${flag} must be a whole number of at least 1`, usageLine(help));
  return Number(value);
}

export const importCommand: Command = {
  name: 'import',
  summary: 'load FHIR Bundles and NDJSON files into a running HealthLane (resumable)',
  help: `Usage: healthlane import [options] <file|folder>...

Loads transaction/batch Bundles (.json) and NDJSON (.ndjson, one resource per line) into a running
HealthLane through POST /fhir/R4. Folders are searched recursively. NDJSON lines go in batch
Bundles: PUT to the line's id when it has one, POST otherwise. Organizations, Practitioners,
Locations and PractitionerRoles with an identifier are created once however many Bundles carry
them (conditional create); creates that carry their own id (as Synthea's do) are sent as PUT to it.

Completed units (a Bundle file, or a chunk of NDJSON lines) are recorded in a journal; running the
same command again after an interruption (Ctrl-C, crash) skips them.

Options:
  --url <url>           where HealthLane listens (default http://127.0.0.1:8080)
  --concurrency <n>     requests in flight (default 4)
  --batch-size <n>      NDJSON resources per batch Bundle (default 500)
  --journal <file>      the resumption journal (default .healthlane-import.json)
  --fresh               ignore the journal and send everything again
${credentialHelp}

Exit codes: 0 everything loaded, 1 some entries or units failed (listed with file and entry index
or line), 2 invalid usage, 130 interrupted (run again to resume).`,
  async run({ args, env }) {
    const { values, positionals } = parseCommandArgs(
      this,
      args,
      {
        url: { type: 'string' },
        concurrency: { type: 'string' },
        'batch-size': { type: 'string' },
        journal: { type: 'string' },
        fresh: { type: 'boolean' },
        ...credentialArgs,
      },
      { max: Number.POSITIVE_INFINITY },
    );
    if (values.help) {
      console.log(this.help);
      return 0;
    }
    if (positionals.length === 0)
      throw new UsageError('name at least one file or folder', usageLine(this.help));
    const url = values.url ?? 'http://127.0.0.1:8080';
    if (!/^https?:\/\/[^/]/.test(url))
      throw new UsageError('--url must be an http(s) URL', usageLine(this.help));
    let auth: Awaited<ReturnType<typeof resolveCliAuth>>;
    try {
      auth = await resolveCliAuth(credentialOptions(values), env, url);
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), usageLine(this.help));
    }
    const controller = new AbortController();
    // First Ctrl-C: finish what is in flight, journal it, summarize. Second: leave at once.
    const onSignal = () => {
      if (controller.signal.aborted) process.exit(130);
      controller.abort();
      process.stderr.write('\nimport: stopping after the requests in flight (Ctrl-C again to quit now)\n');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const summary = await runImport({
        inputs: positionals,
        url,
        concurrency: positiveInt(values.concurrency, 4, '--concurrency', this.help),
        batchSize: positiveInt(values['batch-size'], 500, '--batch-size', this.help),
        journalPath: resolve(values.journal ?? '.healthlane-import.json'),
        fresh: values.fresh === true,
        auth,
        signal: controller.signal,
        stdout: process.stdout,
        stderr: process.stderr,
      });
      console.log(formatSummary(summary));
      return importExitCode(summary);
    } finally {
      await auth.close();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
