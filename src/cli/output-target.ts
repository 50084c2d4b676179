/**
 * `--output` for a batch command (scan, report): the sink opened before any reading, so a target that
 * cannot be written fails the run at once. A world fault (EACCES, ENOSPC, EROFS…) keeps its own words;
 * anything else is a usage error naming the option. `onFail` undoes what was prepared before (the
 * staged --state and its lock).
 */
import { WorldFault } from '../io/faults.js';
import { guardStream, openSink, type OutputSink } from '../output/sink.js';
import { UserFacingError } from './exit.js';

export async function openOutputTarget(output: string | undefined, onFail: () => void): Promise<OutputSink> {
  guardStream(process.stderr);
  try {
    return await openSink(output, `--output ${output}`);
  } catch (e) {
    onFail();
    if (e instanceof WorldFault) throw e;
    throw new UserFacingError(`--output ${output}: ${(e as Error).message}`);
  }
}
