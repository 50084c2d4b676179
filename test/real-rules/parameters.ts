/**
 * No rule parameter dropped silently, held against Elastic's own rules: every query and new_terms
 * (kuery) rule of a detection-rules checkout is loaded as `--rule` loads it, and each key of the file is
 * checked to be either applied/carried with its value intact in the loaded rule, or named by a warning
 * (the `rule-parameter` diagnostics scan and explain print) and by `rule show`'s listing.
 *
 *   npx tsx test/real-rules/parameters.ts <detection-rules>/rules [<more dirs>…] [--sample DIR] [--cli]
 *
 * `--cli` also runs the built CLI's `rule show --rule FILE` on each rule (npm run build first; about
 * half a second each) and checks it exits 0 and names every key the rule is warned about on stderr.
 *
 * The corpus is read from a temporary checkout, never committed. `--sample DIR` copies a small set
 * of the rules (one per parameter that is not plain, at most a few each) for the committed sample CI
 * checks (test/real-rules/parameter-sample/, parameters.test.ts).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { parameterDiagnostics } from '../../src/cli/diagnostics.js';
import { renderRuleParameters } from '../../src/output/rule-parameters.js';
import { parseRule, RuleFileError } from '../../src/rule/load.js';
import { warnedFindings, type ParameterFinding } from '../../src/rule/parameter-check.js';
import type { Rule } from '../../src/rule/schema.js';
import { normalizeWhitespace } from '../../src/rule/toml-whitespace.js';

export function* tomlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tomlFiles(p);
    else if (name.endsWith('.toml')) yield p;
  }
}

export interface RuleCheck {
  file: string;
  /** Parameters that refuse the rule without --allow-unsupported. */
  refusedBy: string[];
  /** Keys named by a warning (warned, refused-but-allowed, unknown). */
  warned: string[];
  /** Keys the tool claims to apply or carry whose value did not reach the loaded rule intact: must be empty. */
  dropped: string[];
  /** Keys warned about that no diagnostic or `rule show` line names: must be empty. */
  unnamed: string[];
  findings: ParameterFinding[];
}

/** Same JSON value whatever the key order or prototype (smol-toml's tables vs zod's objects). */
function sameValue(a: unknown, b: unknown): boolean {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canonical) : typeof v === 'object' && v !== null ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

/** Where a honoured or carried key's value ends up in the loaded rule, and whether it arrived intact. */
function arrivedIntact(f: ParameterFinding, ruleTable: Record<string, unknown>, doc: Record<string, unknown>, rule: Rule): boolean {
  const r = rule as unknown as Record<string, unknown>;
  if (f.name === 'rule.new_terms') return rule.new_terms_fields !== undefined && rule.history_window_start !== undefined;
  if (f.name === 'transform') return typeof rule.note !== 'string' || !/\$(osquery|investigate)_\d/.test(rule.note) || doc['transform'] === undefined;
  const key = f.path.replace(/^rule\./, '');
  // The package build's whitespace clean-up is part of what Kibana receives (rule/toml-whitespace.ts).
  const written = (normalizeWhitespace(ruleTable) as Record<string, unknown>)[key];
  if (key === 'note' && doc['transform'] !== undefined) return typeof r['note'] === 'string';
  if (key === 'investigation_fields' && Array.isArray(written)) return sameValue(r[key], written.length > 0 ? { field_names: written } : undefined);
  return sameValue(r[key], written);
}

/** Loads one TOML rule file and checks that none of its keys is dropped without being named. */
export function checkRuleText(text: string, file: string): RuleCheck | undefined {
  const doc = parseToml(text) as Record<string, unknown>;
  const table = doc['rule'] as Record<string, unknown> | undefined;
  if (!table || (table['type'] !== 'query' && table['type'] !== 'new_terms') || (table['language'] ?? 'kuery') !== 'kuery') return undefined;
  let refusedBy: string[] = [];
  try {
    parseRule(text, file);
  } catch (e) {
    if (!(e instanceof RuleFileError)) throw e;
    refusedBy = [...e.message.matchAll(/^ {2}- ([^:]+):/gm)].map((m) => m[1]!);
    if (refusedBy.length === 0) throw e; // refused for another reason: a loader bug the corpus shows
  }
  const { rule, parameters } = parseRule(text, file, { allowUnsupported: true });
  const warned = warnedFindings(parameters);
  const diagnostics = parameterDiagnostics({ parameters, file, origin: file }).map((d) => d.message).join('\n');
  const listing = renderRuleParameters(parameters, file);
  const dropped = parameters
    .filter((f) => (f.treatment === 'honoured' || f.treatment === 'carried') && !arrivedIntact(f, table, doc, rule))
    .map((f) => f.path);
  const unnamed = warned.filter((f) => !diagnostics.includes(f.path) || !listing.includes(f.path)).map((f) => f.path);
  return { file, refusedBy, warned: warned.map((f) => f.path), dropped, unnamed, findings: parameters };
}

export interface CorpusReport {
  files: number;
  kueryRules: number;
  byType: Record<string, number>;
  refused: number;
  refusedBy: Record<string, number>;
  warnedBy: Record<string, number>;
  keysByTreatment: Record<string, number>;
  /** Rules holding each key (in effect or not). */
  present: Record<string, number>;
  dropped: Array<{ file: string; keys: string[] }>;
  unnamed: Array<{ file: string; keys: string[] }>;
}

export function checkCorpus(files: Iterable<string>, onRule: (c: RuleCheck) => void = () => {}): CorpusReport {
  const rep: CorpusReport = { files: 0, kueryRules: 0, byType: {}, refused: 0, refusedBy: {}, warnedBy: {}, keysByTreatment: {}, present: {}, dropped: [], unnamed: [] };
  for (const file of files) {
    rep.files++;
    const c = checkRuleText(readFileSync(file, 'utf8'), file);
    if (c === undefined) continue;
    onRule(c);
    rep.kueryRules++;
    const type = (parseToml(readFileSync(file, 'utf8')) as { rule: { type: string } }).rule.type;
    rep.byType[type] = (rep.byType[type] ?? 0) + 1;
    if (c.refusedBy.length > 0) rep.refused++;
    for (const k of c.refusedBy) rep.refusedBy[k] = (rep.refusedBy[k] ?? 0) + 1;
    for (const k of c.warned) rep.warnedBy[k] = (rep.warnedBy[k] ?? 0) + 1;
    for (const f of c.findings) {
      rep.keysByTreatment[f.treatment] = (rep.keysByTreatment[f.treatment] ?? 0) + 1;
      rep.present[f.path] = (rep.present[f.path] ?? 0) + 1;
    }
    if (c.dropped.length > 0) rep.dropped.push({ file: c.file, keys: c.dropped });
    if (c.unnamed.length > 0) rep.unnamed.push({ file: c.file, keys: c.unnamed });
  }
  return rep;
}

/** Up to `perKey` rules for each key that is not applied or not plain, for the committed sample. */
function pickSample(checks: RuleCheck[], perKey: number): RuleCheck[] {
  const interesting = new Set(['rule.rule_name_override', 'rule.severity_mapping', 'rule.risk_score_mapping', 'rule.building_block_type', 'rule.investigation_fields', 'transform', 'rule.new_terms']);
  const picked = new Map<string, RuleCheck>();
  const counts = new Map<string, number>();
  for (const c of checks) {
    const keys = [...c.refusedBy, ...c.warned, ...c.findings.filter((f) => interesting.has(f.path)).map((f) => f.path)];
    for (const k of keys) {
      if ((counts.get(k) ?? 0) >= perKey || picked.has(c.file)) continue;
      picked.set(c.file, c);
      for (const k2 of keys) counts.set(k2, (counts.get(k2) ?? 0) + 1);
    }
  }
  return [...picked.values()];
}

const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/** `rule show --rule FILE` as a user runs it: the keys its stderr fails to name (or why it failed). */
export function ruleShowMisses(c: RuleCheck): string[] {
  const r = spawnSync(process.execPath, [CLI, 'rule', 'show', '--rule', c.file, '--format', 'json'], { encoding: 'utf8' });
  if (r.status !== 0) return [`exit ${r.status}: ${r.stderr.trim().split('\n')[0]}`];
  return c.warned.filter((k) => !r.stderr.includes(k));
}

async function main(): Promise<void> {
  const all = process.argv.slice(2);
  const cli = all.includes('--cli');
  const args = all.filter((a) => a !== '--cli');
  const at = args.indexOf('--sample');
  const sampleDir = at >= 0 ? args[at + 1] : undefined;
  const dirs = at < 0 ? args : args.filter((_, i) => i !== at && i !== at + 1);
  if (dirs.length === 0) throw new Error('usage: parameters.ts <detection-rules>/rules [<more dirs>…] [--sample DIR]');
  const checks: RuleCheck[] = [];
  const rep = checkCorpus(dirs.flatMap((d) => [...tomlFiles(d)]), (c) => checks.push(c));
  const cliMisses = cli ? checks.map((c) => ({ file: c.file, misses: ruleShowMisses(c) })).filter((m) => m.misses.length > 0) : undefined;
  process.stdout.write(`${JSON.stringify({ ...rep, ...(cli && { ruleShowRuns: checks.length, ruleShowMisses: cliMisses }) }, null, 2)}\n`);
  if (cliMisses !== undefined && cliMisses.length > 0) process.exitCode = 1;
  if (sampleDir !== undefined) {
    mkdirSync(sampleDir, { recursive: true });
    const sample = pickSample(checks, 1);
    for (const c of sample) copyFileSync(c.file, join(sampleDir, basename(c.file)));
    process.stderr.write(`${sample.length} rules copied to ${sampleDir}\n`);
  }
  if (rep.dropped.length > 0 || rep.unnamed.length > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(basename(process.argv[1]))) await main();
