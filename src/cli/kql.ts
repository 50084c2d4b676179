import { UserFacingError } from './exit.js';
// Wiring in progress: replaced when the room this command calls has landed.
export function runKqlParse(..._args: unknown[]): number {
  throw new UserFacingError('this command is not wired yet');
}
export async function runKqlMatch(..._args: unknown[]): Promise<number> { return 2; }
