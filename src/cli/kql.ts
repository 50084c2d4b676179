/**
 * `kql parse` prints a query's AST; `kql match` is a filter like `jq -c select`: it prints the
 * matching records one per line, in input order: a line that is one event byte for byte; of a search
 * response (or an array of hits) only the hits that match, each as one line; a pretty-printed
 * es_archiver value as one line. `--count` prints how many instead. Both exit 0 on success (a filter
 * that matched nothing is not a failure) and 2 on a bad query or unreadable input.
 */
import { z } from 'zod';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import type { RawRecord } from '../io/decoder.js';
import { readInputs } from '../io/read-events.js';
import { containerHits, recognizeShape } from '../io/shapes.js';
import { compileKql } from '../kql/compile.js';
import { ecsFieldTypes } from '../ecs/field-types.js';
import { queryTypeTable, resolveFieldTypes, QUERY_ONLY_RULE } from './field-types.js';
import { renderDiagnostics } from '../output/summary.js';
import { guardStream, stdoutSink } from '../output/sink.js';
import { EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions, walkOptionsShape } from './options.js';
import { expandInputs, inputVerdicts } from './input-report.js';
import { compileRuleQuery, formatKqlWarning } from './rule-source.js';
import { problemDiagnostics, skippedDiagnostics } from './diagnostics.js';

const NL = Buffer.from('\n');
const HITS_KEY = Buffer.from('"hits"');

export function runKqlParse(query: string): number {
  const { ast, warnings } = compileRuleQuery(query, 'query');
  for (const w of warnings) process.stderr.write(`warning: ${formatKqlWarning('query', w)}\n`);
  process.stdout.write(`${JSON.stringify(ast, null, 2)}\n`);
  return EXIT_OK;
}

const matchOptionsSchema = z.object({ strict: z.boolean().default(false), quiet: z.boolean().default(false), count: z.boolean().default(false), mapping: z.string().min(1).optional(), ...walkOptionsShape });

/** Whether a record can be a container of hits (an array, or an object with a `hits` key). */
function mayHoldHits(bytes: Buffer): boolean {
  let i = 0;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x5b || bytes.includes(HITS_KEY);
}

/**
 * The output lines of a record holding a matching event: of a container (search response, array of
 * hits) its matching hits, each on one line; a pretty-printed value as one line; a line as it was.
 * Only such records are parsed a second time, and they are few.
 */
function outputLines(rec: RawRecord, predicate: (source: Record<string, unknown>) => boolean): Array<Buffer | string> {
  if (rec.kind === 'line' && !mayHoldHits(rec.bytes)) return [rec.bytes];
  const value = JSON.parse(rec.bytes.toString('utf8')) as unknown;
  const hits = containerHits(value);
  const shape = recognizeShape(value);
  if (hits !== undefined && shape.ok && shape.events.length === hits.length) {
    // recognizeShape gives a container's events in the order of its hits.
    return hits.filter((_, i) => predicate(shape.events[i]!.source)).map((h) => JSON.stringify(h));
  }
  return rec.kind === 'line' ? [rec.bytes] : [JSON.stringify(value)];
}

export async function runKqlMatch(query: string, inputs: string[], raw: Record<string, unknown>): Promise<number> {
  const opts = parseOptions(matchOptionsSchema, raw);
  requireInput(inputs, 'kql match');
  const { ast, warnings } = compileRuleQuery(query, 'query');
  for (const w of warnings) process.stderr.write(`warning: ${formatKqlWarning('query', w)}\n`);
  // Field types: --mapping, else ECS's (a field ECS does not define is a keyword).
  const types = opts.mapping === undefined ? ecsFieldTypes() : resolveFieldTypes(QUERY_ONLY_RULE, opts.mapping);
  const predicate = compileKql(ast, { fieldTypes: queryTypeTable(ast, types) });
  const acct = new Accounting({ strict: opts.strict });
  guardStream(process.stderr);
  const out = stdoutSink();
  let printed = 0;

  // Directories expand into the files in them that hold events (--glob/--exclude narrow the walk).
  const expanded = await expandInputs(inputs, opts);
  try {
    const read = readInputs(expanded.inputs, { predicate, emit: 'records' }, acct);
    for await (const batch of read.batches) {
      for (const rec of batch.records) {
        for (const line of outputLines(rec, predicate)) {
          printed++;
          if (opts.count) continue;
          await out.write(line);
          await out.write(NL);
        }
        if (out.closed) break;
      }
      if (out.closed) break;
    }
  } catch (e) {
    if (e instanceof InputError) throw new UserFacingError(e.message);
    throw e;
  }
  if (opts.count) await out.write(`${printed}\n`);
  await out.close();
  inputVerdicts(acct, undefined);
  const bad = problemDiagnostics(acct.problems, acct.total.malformedByKind);
  const inputWarnings = [...skippedDiagnostics(expanded.skipped), ...bad.warnings];
  process.stderr.write(renderDiagnostics({ warnings: inputWarnings, warningTotals: bad.warningTotals, errors: [] }));
  if (!opts.quiet) {
    const t = acct.total;
    process.stderr.write(`kql match: ${printed} matching record${printed === 1 ? '' : 's'}${opts.count ? '' : ' printed'}; ${t.read} lines read (${t.blank} blank, ${t.malformed} malformed)\n`);
  }
  return EXIT_OK;
}
