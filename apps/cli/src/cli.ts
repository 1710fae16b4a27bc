// The healthlane command line: finds the subcommand, runs it, and turns every failure into a
// message on stderr and an exit code (0 ok, 1 runtime failure, 2 usage or configuration).
import { ConfigError } from '@healthlane/kit';
import packageJson from '../package.json' with { type: 'json' };
import type { Command, Environment } from './command.ts';
import { auditCommand } from './commands/audit.ts';
import { clusterCommand } from './commands/cluster.ts';
import { importCommand } from './commands/import.ts';
import { serveCommand } from './commands/serve.ts';
import { servicesCommand } from './commands/services.ts';
import { simulateCommand } from './commands/simulate.ts';
import { startCommand } from './commands/start.ts';
import { userCommand } from './commands/user.ts';
import { exitCode, UsageError } from './usage-error.ts';

export const commands: readonly Command[] = [
  startCommand,
  serveCommand,
  clusterCommand,
  servicesCommand,
  importCommand,
  auditCommand,
  simulateCommand,
  userCommand,
];

export const mainHelp = `Usage: healthlane <command> [options]

HealthLane: FHIR R4 record, patient monitoring and more; one process on a laptop,
independent services on Kubernetes.

Commands:
${commands.map((command) => `  ${command.name.padEnd(10)}${command.summary}`).join('\n')}

Options:
  -h, --help     show help (also after a command: healthlane start --help)
  -v, --version  show the version

Configuration comes from environment variables only; each command's --help lists them.`;

export async function run(argv: readonly string[], env: Environment): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    console.error(mainHelp);
    return exitCode.usage;
  }
  if (first === '-h' || first === '--help' || first === 'help') {
    console.log(mainHelp);
    return exitCode.ok;
  }
  if (first === '-v' || first === '--version') {
    console.log(packageJson.version);
    return exitCode.ok;
  }
  const command = commands.find((candidate) => candidate.name === first);
  try {
    if (!command)
      throw new UsageError(
        `unknown command "${first}"`,
        `commands: ${commands.map((c) => c.name).join(', ')}`,
      );
    return await command.run({ args: rest, env });
  } catch (error) {
    return report(error, command);
  }
}

function report(error: unknown, command: Command | undefined): number {
  if (error instanceof UsageError) {
    console.error(`healthlane: ${error.message}`);
    if (error.hint) console.error(error.hint);
    console.error(`Run 'healthlane ${command ? `${command.name} ` : ''}--help' for more.`);
    return exitCode.usage;
  }
  if (error instanceof ConfigError) {
    console.error(error.message);
    return exitCode.usage;
  }
  console.error(`healthlane: ${error instanceof Error ? error.message : String(error)}`);
  return exitCode.failure;
}
