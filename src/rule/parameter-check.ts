/**
 * Holds a rule file's keys against the parameter inventory (rule/parameters.ts): every key present
 * becomes a finding, so nothing the file says is dropped without being named. Pure: the loader decides
 * what to refuse and the CLI how to print.
 */
import { isPlainObject } from '../ecs/fields.js';
import { hasEffect, kibanaParameter, tomlParameter, toolAction, type ParameterRow, type ParameterTreatment } from './parameters.js';

export interface ParameterFinding {
  /** The key as the file writes it (`filters`, `rule.filters` in TOML, `metadata.maturity`). */
  path: string;
  /** The inventory's name for it (`filters`, `metadata.maturity`), or the unknown key. */
  name: string;
  /** `unknown`: in neither Kibana's rule schema nor detection-rules' TOML. */
  treatment: ParameterTreatment | 'unknown';
  /** Whether its value can change anything (present and not empty; `enabled` only when false). */
  inEffect: boolean;
  /** What Kibana does with it. */
  kibana: string;
  /** What this tool does with it. */
  tool: string;
  /** The row's own word on what the tool does, where it says more than the treatment. */
  note?: string;
}

const UNKNOWN_KIBANA = "not a parameter of Kibana's rule schema: Kibana's API drops it";

function finding(path: string, name: string, row: ParameterRow | undefined, value: unknown): ParameterFinding {
  if (row === undefined) return { path, name, treatment: 'unknown', inEffect: true, kibana: UNKNOWN_KIBANA, tool: 'ignored' };
  return { path, name, treatment: row.treatment, inEffect: hasEffect(row, value), kibana: row.kibana, tool: toolAction(row), ...(row.tool !== undefined && { note: row.tool }) };
}

/** Findings for the keys of a rule object (JSON forms, or a TOML `[rule]` table with `prefix` `rule.`). */
export function checkRuleKeys(raw: Record<string, unknown>, prefix = ''): ParameterFinding[] {
  const out: ParameterFinding[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const tomlOnly = prefix === 'rule.' ? tomlParameter(`rule.${key}`) : undefined;
    const name = tomlOnly ? `rule.${key}` : key;
    out.push(finding(`${prefix}${key}`, name, tomlOnly ?? kibanaParameter(key), value));
  }
  return out;
}

/** Findings for a detection-rules TOML document's tables other than `[rule]` (`[metadata]`, `[transform]`, others). */
export function checkTomlDocument(doc: Record<string, unknown>): ParameterFinding[] {
  const out: ParameterFinding[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === 'rule') continue;
    if (key === 'metadata' && isPlainObject(value)) {
      for (const [k, v] of Object.entries(value)) out.push(finding(`metadata.${k}`, `metadata.${k}`, tomlParameter(`metadata.${k}`), v));
      continue;
    }
    out.push(finding(key, key, tomlParameter(key), value));
  }
  return out;
}

/** Findings that are said on stderr: not-applied parameters in effect, and unknown keys. */
export function warnedFindings(findings: readonly ParameterFinding[]): ParameterFinding[] {
  return findings.filter((f) => f.inEffect && (f.treatment === 'warned' || f.treatment === 'refused' || f.treatment === 'unknown'));
}

/** Findings that refuse the rule unless --allow-unsupported. */
export function refusingFindings(findings: readonly ParameterFinding[]): ParameterFinding[] {
  return findings.filter((f) => f.inEffect && f.treatment === 'refused');
}

/**
 * One line about a finding: its key, what Kibana does with it, and (where the row says more than its
 * treatment) what the tool does.
 */
export function describeFinding(f: ParameterFinding): string {
  if (f.treatment === 'unknown') return `${f.path}: unknown key, ignored (${f.kibana})`;
  return `${f.path}: ${f.kibana}${f.note !== undefined ? ` (${f.note})` : ''}`;
}

/** The warning for a finding that is warned about (warnedFindings). */
export function warningText(f: ParameterFinding): string {
  if (f.treatment === 'unknown') return `unknown rule key ${f.path} ignored: ${f.kibana}`;
  const how = f.treatment === 'refused' ? 'not applied (--allow-unsupported), so alerts can differ from Kibana\'s' : 'not applied';
  return `rule parameter ${f.path} ${how}: ${f.kibana}${f.note !== undefined ? ` (${f.note})` : ''}`;
}
