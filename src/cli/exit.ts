/**
 * Exit codes and the one error type the CLI turns into a message + exit code. Everything that should
 * reach a user as "what went wrong and where" becomes a UserFacingError; anything else is a bug and is
 * reported as such (with a stack trace only under --debug).
 */
export const EXIT_OK = 0;
export const EXIT_ALERTS = 1;
export const EXIT_USAGE = 2;

export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

/**
 * With no input named, commands read stdin; when stdin is a terminal nobody is piping anything in,
 * and waiting for typed JSON would look like a hang.
 */
export function requireInput(inputs: readonly string[], command: string): void {
  if (inputs.length === 0 && process.stdin.isTTY === true) {
    throw new UserFacingError(`${command}: no input: name NDJSON files or directories, or pipe events in (see --help)`);
  }
}
