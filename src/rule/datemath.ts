/**
 * Date math for callers that hold a Date: a thin face over the engine's parser (src/engine/datemath.ts),
 * so the schedule and the new_terms requests can never disagree on what `now-14d` means.
 */
import { DateMathError, evalDateMath, parseDateMath as parseExpression } from '../engine/datemath.js';

export { DateMathError };

/** Evaluates `expr` (e.g. `now-14d`, `now/d`, `2024-01-01T00:00:00Z||-1d`) against `now`, in UTC. */
export function parseDateMath(expr: string, now: Date): Date {
  const dm = parseExpression(expr);
  if (!dm) throw new DateMathError(`cannot parse date math ${JSON.stringify(expr)}`);
  return new Date(evalDateMath(dm, now.getTime()));
}
