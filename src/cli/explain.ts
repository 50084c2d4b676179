import { UserFacingError } from './exit.js';
// Wiring in progress: replaced when the room this command calls has landed.
export async function runExplain(..._args: unknown[]): Promise<number> {
  throw new UserFacingError('this command is not wired yet');
}
