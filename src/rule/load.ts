/**
 * Reading an Elastic detection rule from the forms rule authors have at hand: detection-rules TOML
 * (`[metadata]` + `[rule]`), the prebuilt-rules package JSON (`security_rule/<id>_<version>.json`,
 * `{attributes:{…}}`), a plain rule JSON object, or a Kibana rules export (NDJSON of rules plus an
 * export-summary line). Everything is validated with the zod rule schema; only what the engine can
 * evaluate (type query/new_terms, language kuery) is accepted, and every refusal names the file.
 */
import { readFile } from 'node:fs/promises';
import { nameFault, WorldFault } from '../io/faults.js';
import { parse as parseToml, TomlError } from 'smol-toml';
import type { z } from 'zod';
import { isPlainObject } from '../ecs/fields.js';
import { KqlSyntaxError } from '../kql/errors.js';
import { parseKql } from '../kql/parse.js';
import { asPrebuilt } from './origin.js';
import { applyTransform } from './toml-transform.js';
import { normalizeWhitespace } from './toml-whitespace.js';
import { ruleSchema, type Rule } from './schema.js';
import { checkRuleKeys, checkTomlDocument, describeFinding, refusingFindings, type ParameterFinding } from './parameter-check.js';

export const SUPPORTED_RULE_TYPES = ['query', 'new_terms'] as const;
export const SUPPORTED_LANGUAGES = ['kuery'] as const;
const SUPPORTED = 'supported: type "query" or "new_terms" with language "kuery" (KQL)';

export type RuleFileFormat = 'toml' | 'package-json' | 'rule-json' | 'kibana-export';

/** A rule file that cannot be used, with a message that names the file and what went wrong. */
export class RuleFileError extends Error {
  override name = 'RuleFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** Which rule to take from a file holding several (a Kibana export). */
export interface RuleLoadOptions {
  /** Picks one rule (by rule_id, or Kibana saved-object id) from an export holding several. */
  ruleId?: string;
  /**
   * Checks that the query parses; throw to refuse the rule (the message is shown after the file
   * name). Defaults to the KQL parser.
   */
  validateQuery?: (query: string) => void;
  /**
   * Load a rule even when it holds parameters the tool does not apply that would change which alerts
   * Kibana writes or what they say (rule/parameters.ts `refused` rows); they are then only findings
   * for the caller to warn about. Default: such a rule is refused with a RuleFileError naming them.
   */
  allowUnsupported?: boolean;
}

/** A rule and what its file's keys are to the tool (rule/parameter-check.ts). */
export interface LoadedRule {
  rule: Rule;
  /** Every key the file holds, with its treatment; warn about `warnedFindings(parameters)`. */
  parameters: ParameterFinding[];
}

interface Candidate {
  raw: Record<string, unknown>;
  /** Prefix for schema paths, so an issue points where the value sits in the file (`rule.`, `attributes.`). */
  pathPrefix: string;
  /**
   * A prebuilt-rules package asset (`security-rule` saved object): what Kibana installs as a prebuilt
   * rule, so it is read as one (rule/origin.ts).
   */
  prebuilt?: boolean;
  /** The file's keys held against the parameter inventory, before any reshaping. */
  findings: ParameterFinding[];
}

function tomlCandidate(text: string, file: string): Candidate {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      // smol-toml reports an unclosed "…" as a control character (the line break) inside the string.
      const hint = /control characters/.test(first) ? ' (a string is probably missing its closing quote; multi-line text needs triple quotes)' : '';
      throw new RuleFileError(file, `invalid TOML at line ${e.line}, column ${e.column}: ${first}${hint}\n${e.codeblock}`);
    }
    throw e;
  }
  const rule = doc['rule'];
  if (!isPlainObject(rule)) throw new RuleFileError(file, 'no [rule] table: not a detection-rules TOML rule');
  // The package build normalises whitespace (rule/toml-whitespace.ts) before Kibana ever sees the rule.
  const { new_terms: newTerms, ...rest } = normalizeWhitespace(rule) as Record<string, unknown>;
  const raw: Record<string, unknown> = { ...rest };
  // detection-rules keeps new_terms parameters as {field, value} pairs: `[rule.new_terms]` holds the
  // fields and `[[rule.new_terms.history_window_start]]` the history start.
  if (isPlainObject(newTerms)) {
    if (newTerms['field'] === 'new_terms_fields') raw['new_terms_fields'] = newTerms['value'];
    const history = newTerms['history_window_start'];
    for (const entry of Array.isArray(history) ? history : []) {
      if (isPlainObject(entry) && entry['field'] === 'history_window_start') raw['history_window_start'] = entry['value'];
    }
  }
  // The package build renders [transform] entries into the note's $osquery_N / $investigate_N placeholders.
  if (typeof raw['note'] === 'string' && doc['transform'] !== undefined) raw['note'] = applyTransform(raw['note'], doc['transform']);
  return { raw, pathPrefix: 'rule.', findings: [...checkTomlDocument(doc), ...checkRuleKeys(rule, 'rule.')] };
}

const isExportSummary = (o: Record<string, unknown>): boolean => 'exported_count' in o || 'exported_rules_count' in o;
/** Lines of a Kibana export that are rules (not exception lists, list items or connectors). */
const isExportedRule = (o: Record<string, unknown>): boolean => typeof o['rule_id'] === 'string' && 'type' in o && !('list_id' in o);

function jsonCandidates(text: string, file: string): { format: RuleFileFormat; candidates: Candidate[] } {
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  if (isPlainObject(whole)) {
    const attributes = whole['attributes'];
    if (isPlainObject(attributes)) return { format: 'package-json', candidates: [{ raw: attributes, pathPrefix: 'attributes.', prebuilt: true, findings: checkRuleKeys(attributes, 'attributes.') }] };
    return { format: 'rule-json', candidates: [{ raw: whole, pathPrefix: '', findings: checkRuleKeys(whole) }] };
  }
  const candidates: Candidate[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch (e) {
      throw new RuleFileError(file, `line ${i + 1} is not JSON (${(e as Error).message}); expected a rule JSON, a package rule JSON or a Kibana rules export (NDJSON)`);
    }
    if (!isPlainObject(obj)) throw new RuleFileError(file, `line ${i + 1} is not a JSON object`);
    if (isExportSummary(obj) || !isExportedRule(obj)) continue;
    candidates.push({ raw: obj, pathPrefix: `line ${i + 1}: `, findings: checkRuleKeys(obj) });
  }
  if (candidates.length === 0) throw new RuleFileError(file, 'no rule found in this NDJSON file (only an export summary or other saved objects)');
  return { format: 'kibana-export', candidates };
}

function pick(candidates: Candidate[], file: string, ruleId: string | undefined): Candidate {
  if (ruleId !== undefined) {
    const hit = candidates.find((c) => c.raw['rule_id'] === ruleId || c.raw['id'] === ruleId);
    if (!hit) throw new RuleFileError(file, `no rule with rule_id "${ruleId}"; the file holds:\n${listRules(candidates)}`);
    return hit;
  }
  if (candidates.length > 1) {
    throw new RuleFileError(file, `holds ${candidates.length} rules; choose one by rule_id:\n${listRules(candidates)}`);
  }
  return candidates[0]!;
}

function listRules(candidates: Candidate[]): string {
  return candidates.map((c) => `  - ${String(c.raw['name'] ?? '(unnamed)')} (rule_id ${String(c.raw['rule_id'])}, type ${String(c.raw['type'])})`).join('\n');
}

function refuseUnsupported(c: Candidate, file: string): Record<string, unknown> {
  const name = typeof c.raw['name'] === 'string' ? `rule "${c.raw['name']}"` : 'the rule';
  const type = c.raw['type'];
  if (typeof type !== 'string') throw new RuleFileError(file, `${name} has no type; ${SUPPORTED}`);
  if (!(SUPPORTED_RULE_TYPES as readonly string[]).includes(type)) {
    throw new RuleFileError(file, `${name} has type "${type}", which kmod-enum-detect cannot evaluate; ${SUPPORTED}`);
  }
  const language = c.raw['language'];
  if (language === undefined) return { ...c.raw, language: 'kuery' }; // Kibana's default for query and new_terms rules
  if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(String(language))) {
    throw new RuleFileError(file, `${name} is written in "${String(language)}", which kmod-enum-detect cannot evaluate; ${SUPPORTED}`);
  }
  return c.raw;
}

/** zod issues as `path: message` lines, with paths as they appear in the file. */
export function formatSchemaIssues(error: z.ZodError, pathPrefix: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      return `  - ${pathPrefix}${path || '(rule)'}: ${issue.message}`;
    })
    .join('\n');
}

function detectFormat(text: string, file: string): 'toml' | 'json' {
  if (/\.toml$/i.test(file)) return 'toml';
  if (/\.(nd)?json$/i.test(file)) return 'json';
  return text.trimStart().startsWith('{') ? 'json' : 'toml';
}

/** Parses a rule file's text; `fileName` names it in errors and picks TOML vs JSON by extension. */
export function parseRuleText(text: string, fileName: string, opts: RuleLoadOptions = {}): Rule {
  return parseRule(text, fileName, opts).rule;
}

/** The refusal of a rule whose unapplied parameters would change its alerts (unless --allow-unsupported). */
function refuseParameters(findings: readonly ParameterFinding[], file: string, name: string): void {
  const refusing = refusingFindings(findings);
  if (refusing.length === 0) return;
  throw new RuleFileError(
    file,
    `rule "${name}" has parameters kmod-enum-detect does not apply, which change which alerts Kibana writes or what they say:\n` +
      `${refusing.map((f) => `  - ${describeFinding(f)}`).join('\n')}\n` +
      'give --allow-unsupported to run it without them (each is then a warning)',
  );
}

/** Parses a rule file's text (see parseRuleText), with what the file's keys are to the tool. */
export function parseRule(text: string, fileName: string, opts: RuleLoadOptions = {}): LoadedRule {
  const candidates = detectFormat(text, fileName) === 'toml' ? [tomlCandidate(text, fileName)] : jsonCandidates(text, fileName).candidates;
  const chosen = pick(candidates, fileName, opts.ruleId);
  const raw = refuseUnsupported(chosen, fileName);
  const parsed = ruleSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RuleFileError(fileName, `not a valid rule:\n${formatSchemaIssues(parsed.error, chosen.pathPrefix)}`);
  }
  const validateQuery = opts.validateQuery ?? ((q: string) => void parseKql(q));
  try {
    validateQuery(parsed.data.query);
  } catch (e) {
    // format() shows the offending line of a multi-line query with the caret under the spot.
    const detail = e instanceof KqlSyntaxError ? e.format() : (e as Error).message;
    throw new RuleFileError(fileName, `the query of rule "${parsed.data.name}" does not parse:\n${detail}`);
  }
  if (opts.allowUnsupported !== true) refuseParameters(chosen.findings, fileName, parsed.data.name);
  const rule = chosen.prebuilt === true && parsed.data.immutable === undefined ? asPrebuilt(parsed.data) : parsed.data;
  return { rule, parameters: chosen.findings };
}

/** Reads and parses a rule file (see parseRuleText). */
export async function loadRuleFile(path: string, opts: RuleLoadOptions = {}): Promise<Rule> {
  return (await loadRule(path, opts)).rule;
}

/** Reads and parses a rule file, with what its keys are to the tool (see parseRule). */
export async function loadRule(path: string, opts: RuleLoadOptions = {}): Promise<LoadedRule> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    // EACCES, EISDIR, EIO…: the world's fault, in words (`could not read the rule file: …`).
    const named = nameFault(e, path, 'read the rule file');
    throw new RuleFileError(path, named instanceof WorldFault ? named.message.slice(path.length + 2) : `cannot read: ${(e as Error).message}`);
  }
  return parseRule(text, path, opts);
}
