// What a subcommand is: a name, its help text and a run function returning the exit code.
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './usage-error.ts';

export type Environment = Record<string, string | undefined>;

export interface CommandContext {
  /** Arguments after the command name. */
  args: string[];
  env: Environment;
}

export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Full text for `healthlane <command> --help`. */
  help: string;
  run(context: CommandContext): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Strict parsing shared by every command: unknown flags and surplus positionals are usage errors,
 * and `--help` is always accepted.
 */
export function parseCommandArgs<const O extends Options>(
  command: Pick<Command, 'name' | 'help'>,
  args: string[],
  options: O,
  positionals: { max: number },
) {
  let parsed: ReturnType<
    typeof parseArgs<{ args: string[]; options: O & typeof helpOption; allowPositionals: true; strict: true }>
  >;
  try {
    parsed = parseArgs({
      args,
      options: { ...options, ...helpOption },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, usageLine(command.help));
  }
  if (parsed.positionals.length > positionals.max) {
    throw new UsageError(
      `unexpected argument "${parsed.positionals[positionals.max]}"`,
      usageLine(command.help),
    );
  }
  return parsed;
}

const helpOption = { help: { type: 'boolean', short: 'h' } } as const;

/** The first line of a help text ("Usage: ..."), repeated under usage errors. */
export function usageLine(help: string): string {
  return help.split('\n', 1)[0] ?? '';
}
