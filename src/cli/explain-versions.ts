/**
 * `explain --all-versions`: for each event, which versions' queries match it (inside their index
 * patterns), and for the others why not, grouped so that versions failing the same way share a line.
 */
import { createVersionVerdicts, groupVerdicts } from '../engine/version-verdicts.js';
import { Accounting } from '../io/accounting.js';
import { InputError } from '../io/errors.js';
import { readEvents } from '../io/read-events.js';
import { createChalk } from '../output/color.js';
import { renderVersionVerdicts } from '../output/explain-versions.js';
import { guardStream, stdoutSink } from '../output/sink.js';
import { renderDiagnostics } from '../output/summary.js';
import { problemDiagnostics } from './diagnostics.js';
import { evaluableVersions } from '../rule/versions.js';
import { loadVersions } from './compare.js';
import { queryTypeTable, resolveFieldTypes } from './field-types.js';
import { EXIT_OK, UserFacingError } from './exit.js';

export interface ExplainVersionsOptions {
  format: 'tree' | 'json';
  matchesOnly: boolean;
  color?: boolean | undefined;
  strict: boolean;
  mapping?: string | undefined;
}

export async function runExplainAllVersions(inputs: string[], opts: ExplainVersionsOptions): Promise<number> {
  const versions = loadVersions(evaluableVersions());
  // Field types as scan reads them (--mapping, else Elastic Defend's process data stream).
  const fieldTypes = resolveFieldTypes(versions[0]!.rule, opts.mapping);
  for (const v of versions) queryTypeTable(v.ast, fieldTypes);
  const verdictsOf = createVersionVerdicts(versions, { fieldTypes });
  const chalk = createChalk({ ...(opts.color !== undefined && { flag: opts.color }), env: process.env, isTTY: process.stdout.isTTY === true });
  guardStream(process.stderr);
  const out = stdoutSink();
  const acct = new Accounting({ strict: opts.strict });
  try {
    for await (const batch of readEvents(inputs, { strict: opts.strict }, acct)) {
      for (const ev of batch) {
        const verdicts = verdictsOf(ev);
        if (opts.matchesOnly && !verdicts.some((v) => v.matched)) continue;
        const where = { file: ev.origin.file, line: ev.origin.line, ...(ev.index !== undefined && { index: ev.index }), ...(ev.id !== undefined && { id: ev.id }) };
        if (opts.format === 'json') {
          await out.write(`${JSON.stringify({ type: 'event', ...where, versions: verdicts.map((v) => ({ version: v.version, in_index: v.inIndex, matched: v.matched, why: v.why })) })}\n`);
        } else {
          const head = `${chalk.bold(`${ev.origin.file}:${ev.origin.line}`)}${ev.index !== undefined ? chalk.dim(`  ${ev.index}`) : ''}`;
          await out.write(`${renderVersionVerdicts(head, groupVerdicts(verdicts), chalk)}\n`);
        }
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
  return EXIT_OK;
}
