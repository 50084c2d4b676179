/**
 * detection-rules' `[transform]` table, applied as its package build applies it: each
 * `[[transform.osquery]]` / `[[transform.investigate]]` entry is rendered as a Kibana Markdown plugin
 * string `!{osquery{…json…}}` and substituted for `$osquery_0`, `$investigate_1`… in the rule's note.
 *
 * Read (not copied): elastic/detection-rules detection_rules/rule.py (RuleTransform
 * .render_investigate_osquery_to_string: `json.dumps(entry, sort_keys=True, separators=(",", ":"))`;
 * BaseRuleData.process_transforms: `PatchedTemplate(note).safe_substitute(...)`, only when the note is
 * non-empty) and detection_rules/utils.py (PatchedTemplate is Python's string.Template).
 */
import { isPlainObject } from '../ecs/fields.js';

/** Python's json.dumps(v, sort_keys=True, separators=(',', ':')) with its default ensure_ascii. */
export function pythonCompactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

/**
 * string.Template.safe_substitute: `$$` is `$`, `$name` / `${name}` (ASCII identifiers, any case) is
 * replaced when the mapping has it and left as written otherwise, a lone `$` stays.
 */
export function safeSubstitute(template: string, mapping: ReadonlyMap<string, string>): string {
  return template.replace(/\$(?:(\$)|([_a-z][_a-z0-9]*)|\{([_a-z][_a-z0-9]*)\})/gi, (whole, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
    if (escaped !== undefined) return '$';
    const value = mapping.get((named ?? braced)!);
    return value ?? whole;
  });
}

/** The note with the `[transform]` entries rendered in, as the package build writes it. */
export function applyTransform(note: string, transform: unknown): string {
  if (note === '' || !isPlainObject(transform)) return note;
  const mapping = new Map<string, string>();
  for (const [plugin, entries] of Object.entries(transform)) {
    if (!Array.isArray(entries)) continue;
    entries.forEach((entry, i) => mapping.set(`${plugin}_${i}`, `!{${plugin}${pythonCompactJson(entry)}}`));
  }
  return safeSubstitute(note, mapping);
}
