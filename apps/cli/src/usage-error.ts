// A mistake in how the command was called: reported with a hint and exit code 2, never a stack.
export class UsageError extends Error {
  /** Shown under the message, e.g. the command's usage line. */
  readonly hint: string | undefined;

  constructor(message: string, hint?: string) {
    super(message);
    this.name = 'UsageError';
    this.hint = hint;
  }
}

/** The exit codes of every healthlane command. */
export const exitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
} as const;
