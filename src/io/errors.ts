/** Why an input could not be used: a path that cannot be read, or (in strict mode) a bad line. */
export type InputErrorReason =
  | 'missing'
  | 'unreadable'
  | 'invalid-json'
  | 'not-an-object'
  | 'invalid-utf8'
  | 'too-long'
  | 'truncated';

/**
 * The one error type the reader throws. It always names the input (`-` for stdin) and, for a bad
 * line under `strict`, the 1-based line, so the CLI can print `file:line: what` and exit 2.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly reason: InputErrorReason,
    readonly path: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? `${path}: ${detail}` : `${path}:${line}${column === undefined ? '' : `:${column}`}: ${detail}`);
  }
}
