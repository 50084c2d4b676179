/** What the report and the terminal histogram show of an event: host, command line, parent. */
import { getFieldValues } from '../ecs/fields.js';

const leaf = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The field's values as text, joined. */
export const fieldText = (doc: unknown, path: string, sep = ', '): string => getFieldValues(doc, path).map(leaf).join(sep);

export function hostOf(doc: unknown): string {
  return fieldText(doc, 'host.name') || fieldText(doc, 'host.hostname') || '(no host)';
}

export function commandLineOf(doc: unknown): string {
  return fieldText(doc, 'process.command_line', ' ') || fieldText(doc, 'process.args', ' ');
}

export function parentOf(doc: unknown): string {
  return fieldText(doc, 'process.parent.executable') || fieldText(doc, 'process.parent.name');
}
