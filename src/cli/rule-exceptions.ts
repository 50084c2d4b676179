/**
 * `--exceptions FILE`: the negated filter of the exception lists the rule references, from a Kibana
 * exception-list export (rule/exceptions.ts). What the tool cannot apply is said on stderr, naming
 * the lists: references without the file (Kibana would apply their items; the tool cannot see
 * them), references the file lacks, a file for a rule that references no list, items that expired.
 */
import type { Rule } from '../rule/schema.js';
import type { RuleFilter } from '../rule/filters.js';
import type { ExceptionItem } from '../rule/exceptions.js';
import { UserFacingError } from './exit.js';

const warn = (line: string): void => void process.stderr.write(`warning: ${line}\n`);
const describeRefs = (refs: readonly { list_id: string; namespace_type: string }[]): string => refs.map((r) => `"${r.list_id}" (${r.namespace_type})`).join(', ');

/** The exception filter and the live items it was built from (explain names the item that excluded an event). */
export interface RuleExceptions {
  filter: RuleFilter;
  items: ExceptionItem[];
}

export async function ruleExceptionFilter(rule: Rule, origin: string, file: string | undefined, now: Date = new Date()): Promise<RuleExceptions | undefined> {
  const refs = rule.exceptions_list ?? [];
  if (file === undefined) {
    if (refs.length > 0) warn(`${origin}: the rule references exception lists ${describeRefs(refs)}: Kibana excludes the events their items match; give --exceptions FILE (a Kibana exception-list export) to apply them — without it they are not applied`);
    return undefined;
  }
  const { ExceptionsFileError, buildExceptionFilter, liveItems, loadExceptionsFile, referencedItems } = await import('../rule/exceptions.js');
  try {
    const lists = await loadExceptionsFile(file);
    if (refs.length === 0) {
      warn(`--exceptions ${file}: ${origin} references no exception list (exceptions_list): nothing to apply`);
      return undefined;
    }
    const { items, missing } = referencedItems(refs, lists);
    if (missing.length > 0) warn(`--exceptions ${file}: holds no list ${describeRefs(missing)} that ${origin} references: those lists are not applied`);
    // Kibana drops an item whose expire_time is before the run's start; the tool runs now.
    const expired = items.length - liveItems(items, now).length;
    if (expired > 0) warn(`--exceptions ${file}: ${expired} item(s) expired before ${now.toISOString()}: not applied, as Kibana drops expired items`);
    const filter = buildExceptionFilter(items, now);
    return filter === undefined ? undefined : { filter, items: liveItems(items, now) };
  } catch (e) {
    if (e instanceof ExceptionsFileError) throw new UserFacingError(`--exceptions ${e.message.startsWith(file) ? '' : `${file}: `}${e.message}`);
    throw e;
  }
}
