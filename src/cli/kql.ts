/**
 * `kql parse` prints a query's AST; `kql match` is a line filter like `jq select`: it prints the
 * input lines whose events match, byte for byte, in input order. Both exit 0 on success (a filter
 * that matched nothing is not a failure) and 2 on a bad query or unreadable input.
 */
import { z } from 'zod';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readInputs } from '../io/read-events.js';
import { compileKql } from '../kql/compile.js';
import { renderDiagnostics } from '../output/summary.js';
import { guardStream, stdoutSink } from '../output/sink.js';
import { EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions } from './options.js';
import { compileRuleQuery, formatKqlWarning } from './rule-source.js';
import { problemDiagnostics } from './diagnostics.js';

const NL = Buffer.from('\n');
/** es_archiver files separate their pretty-printed values by a blank line; matches keep that form. */
const BLANK_LINE = Buffer.from('\n\n');

export function runKqlParse(query: string): number {
  const { ast, warnings } = compileRuleQuery(query, 'query');
  for (const w of warnings) process.stderr.write(`warning: ${formatKqlWarning('query', w)}\n`);
  process.stdout.write(`${JSON.stringify(ast, null, 2)}\n`);
  return EXIT_OK;
}

const matchOptionsSchema = z.object({ strict: z.boolean().default(false), quiet: z.boolean().default(false) });

export async function runKqlMatch(query: string, inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(matchOptionsSchema, raw);
  requireInput(inputs, 'kql match');
  const { ast, warnings } = compileRuleQuery(query, 'query');
  for (const w of warnings) process.stderr.write(`warning: ${formatKqlWarning('query', w)}\n`);
  const predicate = compileKql(ast);
  const acct = new Accounting({ strict: opts.strict });
  guardStream(process.stderr);
  const out = stdoutSink();
  let printed = 0;

  // Output is the input's own records: lines as they were, or, in a pretty-printed (es_archiver)
  // file, each matching value as it was written.
  try {
    const read = readInputs(inputs, { predicate, emit: 'records' }, acct);
    for await (const batch of read.batches) {
      for (const rec of batch.records) {
        await out.write(rec.bytes);
        await out.write(rec.kind === 'line' ? NL : BLANK_LINE);
        printed++;
        if (out.closed) break;
      }
      if (out.closed) break;
    }
  } catch (e) {
    if (e instanceof InputError) throw new UserFacingError(e.message);
    throw e;
  }
  await out.close();
  process.stderr.write(renderDiagnostics({ ...problemDiagnostics(acct.problems, acct.total.malformedByKind), errors: [] }));
  if (!opts.quiet) {
    const t = acct.total;
    process.stderr.write(`kql match: ${printed} matching record${printed === 1 ? '' : 's'} printed; ${t.read} lines read (${t.blank} blank, ${t.malformed} malformed)\n`);
  }
  return EXIT_OK;
}
