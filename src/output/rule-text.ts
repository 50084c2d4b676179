/**
 * `rule show` on a terminal: the parameters that decide what alerts, as a short labelled page
 * (name, type, schedule, new terms, indices, query, MITRE mapping, …), descriptions wrapped to the
 * width. Long prose (the setup guide) is named, not printed: `--format json` prints everything.
 */
import type { ChalkInstance } from 'chalk';
import type { Rule } from '../rule/schema.js';
import { buildQueryFromFilters, describeFilter, type RuleFilter } from '../rule/filters.js';
import { plainChalk } from './color.js';
import { displayWidth, padEnd, sanitize } from './text.js';

/** `text` wrapped at word boundaries into lines of at most `width` columns (a longer word stands alone). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      if (line !== '' && displayWidth(line) + 1 + displayWidth(word) > width) {
        lines.push(line);
        line = word;
      } else line = line === '' ? word : `${line} ${word}`;
    }
    lines.push(line);
  }
  return lines;
}

export interface RuleTextOptions {
  width?: number;
  chalk?: ChalkInstance;
}

function describeRuleFilter(f: RuleFilter, i: number): string {
  if (f.meta?.disabled === true) return `filters[${i}] disabled: not applied (Kibana drops disabled filters)`;
  const c = buildQueryFromFilters([f], 'filters', i).clauses[0];
  return c === undefined ? `filters[${i}]` : describeFilter(c);
}

export function renderRuleText(rule: Rule, opts: RuleTextOptions = {}): string {
  const chalk = opts.chalk ?? plainChalk;
  const width = Math.max(40, opts.width ?? 100);
  const rows: Array<[string, string | string[]]> = [];
  const add = (label: string, value: string | string[] | undefined): void => {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return;
    rows.push([label, value]);
  };
  add('rule_id', rule.rule_id);
  if (rule.id !== undefined) add('saved-object id', rule.id);
  add('type', `${rule.type} (${rule.language})`);
  add('severity', `${rule.severity}, risk score ${rule.risk_score}`);
  // Alert fields taken from event values (engine/alert-fields/).
  if (rule.rule_name_override !== undefined) add('alert name', `from ${rule.rule_name_override} when it holds a string`);
  add('severity from', rule.severity_mapping.map((m) => `${m.field} = ${JSON.stringify(m.value)} → ${m.severity}`));
  if (rule.risk_score_mapping[0] !== undefined) add('risk score from', `${rule.risk_score_mapping[0].field} (a number 0-100)`);
  if (rule.building_block_type !== undefined) add('building block', `${rule.building_block_type} (alerts hidden from the default alerts view)`);
  if (rule.investigation_fields !== undefined) add('investigation', rule.investigation_fields.field_names.join(', '));
  add('schedule', `every ${rule.interval} over ${rule.from}..${rule.to}, at most ${rule.max_signals} alerts per run`);
  if (rule.type === 'new_terms') {
    add('new terms', `${(rule.new_terms_fields ?? []).join(', ')}: first seen since ${rule.history_window_start ?? '?'}`);
  }
  const tsField = rule.timestamp_override ?? '@timestamp';
  add('event time', rule.timestamp_override !== undefined && rule.timestamp_override_fallback_disabled !== true ? `${tsField}, else @timestamp` : tsField);
  add('indices', rule.index.join(', '));
  add('query', rule.query.trim().split('\n').map((l) => l.trimEnd()));
  // Kibana filters, as the engine applies them (disabled ones listed as such: Kibana drops them).
  add('filters', (rule.filters ?? []).map((f, i) => describeRuleFilter(f, i)));
  add('description', rule.description);
  add(
    'threat',
    rule.threat.map((t) => {
      const techniques = (t.technique ?? []).map((x) => `${x.id} ${x.name}`).join(', ');
      return `${t.framework}: ${t.tactic.id} ${t.tactic.name}${techniques ? ` / ${techniques}` : ''}`;
    }),
  );
  add('tags', rule.tags.join(', '));
  add('false positives', rule.false_positives);
  add('references', rule.references);
  add('author', `${rule.author.join(', ')}${rule.license ? ` (${rule.license})` : ''}`);
  const more = [rule.note ? 'investigation guide' : '', rule.setup ? 'setup guide' : '', rule.required_fields.length > 0 ? 'required fields' : '', rule.related_integrations.length > 0 ? 'related integrations' : ''].filter(Boolean);
  if (more.length > 0) add('not shown', `${more.join(', ')}: --format json prints the whole rule`);

  const labelWidth = Math.max(...rows.map(([l]) => displayWidth(l))) + 2;
  const valueWidth = width - labelWidth - 2;
  const indent = ' '.repeat(labelWidth + 2);
  const out = [chalk.bold(`${sanitize(rule.name)}`) + chalk.dim(`  v${rule.version}`)];
  for (const [label, value] of rows) {
    if (label === 'query') {
      // The query keeps its own layout, as a block under its label; long lines wrap under themselves.
      out.push(`  ${chalk.bold('query:')}`);
      for (const l of value as string[]) for (const w of wrapIndented(sanitize(l), width - 4)) out.push(`    ${w}`);
      continue;
    }
    const lines = (Array.isArray(value) ? value : [value]).flatMap((v) => wrap(sanitize(v), valueWidth));
    out.push(`  ${chalk.bold(padEnd(`${label}:`, labelWidth))}${lines[0] ?? ''}`);
    for (const l of lines.slice(1)) out.push(`${indent}${l}`);
  }
  return out.join('\n') + '\n';
}

/** A line wrapped to `width`, continuation lines indented two more than the line itself. */
function wrapIndented(line: string, width: number): string[] {
  const lead = /^\s*/.exec(line)![0];
  const parts = wrap(line.slice(lead.length), Math.max(10, width - lead.length - 2));
  return parts.map((p, i) => (i === 0 ? lead : `${lead}  `) + p);
}
