import { readFileSync } from 'node:fs';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { ClauseCounter, explainKql, summarizeExplanation } from '../../src/kql/explain.js';
import { explanationToJson, renderClauseCounts, renderExplanationTree, renderExplanationSummary } from '../../src/output/explain.js';
import { is, V210_AST } from '../kql/helpers/ast.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const samples = readFileSync(new URL('../../fixtures/kql/sample_events.ndjson', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as Record<string, unknown>)
  .map((d) => (d._source ?? d) as Record<string, unknown>);

describe('renderExplanationTree', () => {
  const tree = renderExplanationTree(explainKql(V210_AST, samples[1]), plain);
  const lines = tree.split('\n');

  it('draws one line per node with its verdict, value lists folded into one line', () => {
    expect(lines[0]).toMatch(/^✗ AND {2}event\.category:process and /);
    expect(lines).toContain('├─ ✓ event.action:(exec or exec_event)  event.action = "exec"');
    expect(lines).toContain('│     └─ ✓ process.args:(--all or -a)  process.args = "depmod", "-a", "6.8.0-31-generic"');
    expect(lines[lines.length - 2]).toMatch(/^└─ ✗ NOT {2}process\.parent\.name:\(mkinitramfs or /);
    expect(lines[lines.length - 1]).toMatch(/^ {3}└─ ✓ process\.parent\.name:\(mkinitramfs.*…  process\.parent\.name = "dkms"$/);
  });

  it('cuts long clauses to the width asked for', () => {
    const narrow = renderExplanationTree(explainKql(V210_AST, samples[1]), plain, { clauseWidth: 20 });
    expect(narrow.split('\n')[0]).toBe('✗ AND  event.category:proc…');
  });

  it('colours verdicts and satisfying values only when the chalk has colour', () => {
    expect(tree).not.toMatch(/\x1b\[/);
    const coloured = renderExplanationTree(explainKql(is('process.name', 'lsmod'), samples[0]), colour);
    expect(coloured).toContain(colour.green('✓'));
    expect(coloured).toContain(colour.bold.green('"lsmod"'));
  });

  it('neutralises control characters from event values', () => {
    const out = renderExplanationTree(explainKql(is('process.name', 'x'), { process: { name: 'evil\x1b[2Jname' } }), colour);
    expect(out).not.toContain('\x1b[2J');
    expect(out).toContain('\\x1b[2J');
  });

  it('marks a missing field', () => {
    expect(renderExplanationTree(explainKql(is('user.name', 'root'), {}), plain)).toBe('✗ user.name:root  user.name missing');
  });
});

describe('renderExplanationSummary and explanationToJson', () => {
  it('prints MATCH with the branch, NO MATCH with the exclusion', () => {
    expect(renderExplanationSummary(summarizeExplanation(explainKql(V210_AST, samples[0])), plain)).toBe(
      'MATCH     matched branch process.name:(lsmod or modinfo) (process.name = "lsmod")',
    );
    expect(renderExplanationSummary(summarizeExplanation(explainKql(V210_AST, samples[1])), plain)).toMatch(
      /^NO MATCH {2}excluded by .*process\.parent\.name = "dkms"$/,
    );
  });

  it('gives plain JSON that survives a round trip', () => {
    const expl = explainKql(V210_AST, samples[2]);
    const json = explanationToJson(expl, summarizeExplanation(expl));
    expect(json.matched).toBe(true);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(json.explanation.kind).toBe('and');
  });
});

describe('renderClauseCounts', () => {
  it('shows held counts, what each alternative matched and what each exclusion suppressed', () => {
    const counter = new ClauseCounter(V210_AST);
    for (const s of samples) counter.add(s);
    const lines = renderClauseCounts(counter.counts(), plain).split('\n');
    expect(lines[0]).toMatch(/^clause +held {2}effect$/);
    expect(lines.find((l) => l.startsWith('  process.name:(lsmod or modinfo) '))).toMatch(/ 2 {2}matched 2$/);
    expect(lines.find((l) => l.startsWith('NOT process.parent.name:'))).toMatch(/ 1 {2}suppressed 1$/);
    expect(lines.find((l) => l.startsWith('  process.parent.name:dkms '))).toMatch(/ 1 {2}suppressed 1$/);
    expect(lines.find((l) => l.startsWith('  process.parent.name:zfs '))).toMatch(/ 0 {2}suppressed 0$/);
    expect(lines[lines.length - 1]).toBe('3 event(s); 2 matched; 3 passed every positive clause; 1 suppressed by exclusions');
  });
});
