/**
 * `kql parse` prints a query's AST; `kql match` is a line filter like `jq select`: it prints the
 * input lines whose events match, byte for byte, in input order. Both exit 0 on success (a filter
 * that matched nothing is not a failure) and 2 on a bad query or unreadable input.
 */
import { z } from 'zod';
import { Accounting } from '../io/accounting.js';
import { decodeRecord } from '../io/decode.js';
import { InputError } from '../io/errors.js';
import { ValueAssembler, type ValueItem } from '../io/json-values.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter, type SplitItem } from '../io/lines.js';
import { decideMode, type FileMode } from '../io/read-events.js';
import { openSource, resolveInputs } from '../io/sources.js';
import { compileKql } from '../kql/compile.js';
import { renderDiagnostics } from '../output/summary.js';
import { guardStream, stdoutSink } from '../output/sink.js';
import { EXIT_OK, UserFacingError, requireInput } from './exit.js';
import { parseOptions } from './options.js';
import { compileRuleQuery, formatKqlWarning } from './rule-source.js';

const CR = 0x0d;
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
  const handleValue = async (v: ValueItem, file: string): Promise<void> => {
    switch (v.type) {
      case 'blank':
        acct.lines(file, 'blank');
        return;
      case 'too-long':
        acct.malformed(file, v.line, 'too-long', `value too long (${v.bytes} bytes)`, v.lines);
        return;
      case 'truncated':
        acct.malformed(file, v.line, 'truncated', 'truncated: input ends inside a JSON value', v.lines);
        return;
      case 'value': {
        const events = decodeRecord(v.buf, v.start, v.end, { file, line: v.line, lines: v.lines }, {}, acct);
        if (!events.some((ev) => predicate(ev.source))) return;
        await out.write(v.buf.subarray(v.start, v.end));
        await out.write(BLANK_LINE);
        printed++;
      }
    }
  };

  const handle = async (item: SplitItem, file: string, state: { mode: FileMode; values?: ValueAssembler }): Promise<void> => {
    if (item.type === 'too-long') {
      if (state.values) {
        for (const v of state.values.feedLongLine(item.long.line, item.long.bytes)) await handleValue(v, file);
      } else {
        acct.malformed(file, item.long.line, 'too-long', `line too long (${item.long.bytes} bytes)`);
      }
      return;
    }
    const { buf, starts, ends, firstLine, count } = item.batch;
    if (state.mode === 'undecided') {
      state.mode = decideMode(item.batch);
      if (state.mode === 'values') state.values = new ValueAssembler(DEFAULT_MAX_LINE_BYTES);
    }
    for (let i = 0; i < count; i++) {
      const s = starts[i]!;
      const e = ends[i]!;
      if (state.values) {
        for (const v of state.values.feedLine(buf, s, e, firstLine + i)) await handleValue(v, file);
        continue;
      }
      const events = decodeRecord(buf, s, e, { file, line: firstLine + i }, {}, acct);
      if (!events.some((ev) => predicate(ev.source))) continue;
      // Keep a CR that the splitter trimmed, so CRLF input comes out unchanged.
      await out.write(buf.subarray(s, buf[e] === CR ? e + 1 : e));
      await out.write(NL);
      printed++;
      if (out.closed) return;
    }
  };

  try {
    for (const src of await resolveInputs(inputs)) {
      acct.file(src.name);
      const splitter = new LineSplitter(src.name, DEFAULT_MAX_LINE_BYTES);
      const state: { mode: FileMode; values?: ValueAssembler } = { mode: 'undecided' };
      for await (const chunk of openSource(src).chunks) {
        for (const item of splitter.push(chunk)) await handle(item, src.name, state);
        if (out.closed) break;
      }
      if (out.closed) break;
      for (const item of splitter.end()) await handle(item, src.name, state);
      for (const v of state.values?.end() ?? []) await handleValue(v, src.name);
    }
  } catch (e) {
    if (e instanceof InputError) throw new UserFacingError(e.message);
    throw e;
  }
  await out.close();
  const problems = acct.problemLines();
  if (problems.length > 0 || !opts.quiet) {
    process.stderr.write(renderDiagnostics({ warnings: problems, errors: [] }));
  }
  if (!opts.quiet) {
    const t = acct.total;
    process.stderr.write(`kql match: ${printed} matching record${printed === 1 ? '' : 's'} printed; ${t.read} lines read (${t.blank} blank, ${t.malformed} malformed)\n`);
  }
  return EXIT_OK;
}
