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
