/** Hand-built KueryNodes in Kibana's shape, for tests that must not depend on the parser. */
import { WILDCARD_SENTINEL, type KueryNode, type LiteralNode, type WildcardNode } from '../../../src/kql/ast.js';

export const lit = (value: string | number | boolean | null, isQuoted = false): LiteralNode => ({
  type: 'literal',
  value,
  isQuoted,
});
/** A wildcard node from text where every `*` is a wildcard position. */
export const wc = (text: string): WildcardNode => ({ type: 'wildcard', value: text.split('*').join(WILDCARD_SENTINEL) });
export const is = (field: string | null, value: string | WildcardNode | LiteralNode): KueryNode => ({
  type: 'function',
  function: 'is',
  arguments: [lit(field), typeof value === 'string' ? lit(value) : value],
});
export const and = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'and', arguments: args });
export const or = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'or', arguments: args });
export const not = (arg: KueryNode): KueryNode => ({ type: 'function', function: 'not', arguments: [arg] });
export const range = (field: string, op: 'gt' | 'gte' | 'lt' | 'lte', value: string | number): KueryNode => ({
  type: 'function',
  function: 'range',
  arguments: [lit(field), op, lit(value)],
});
export const values = (field: string, ...vs: string[]): KueryNode => or(...vs.map((v) => is(field, v)));

export const V210_EXCLUDED_PARENTS = [
  'mkinitramfs', 'cryptroot', 'framebuffer', 'dracut', 'jem', 'thin-provisioning-tools', 'readykernel', 'lvm2',
  'vz-start', 'iscsi', 'mdadm', 'ovalprobes', 'bcache', 'plymouth', 'dkms', 'overlayroot', 'weak-modules', 'zfs',
  'systemd', 'whoopsie-upload-all', 'kdumpctl', 'apport-gtk', 'casper', 'rear', 'kernel-install',
];

const positive = [
  is('event.category', 'process'),
  is('host.os.type', 'linux'),
  is('event.type', 'start'),
  values('event.action', 'exec', 'exec_event'),
  or(
    values('process.name', 'lsmod', 'modinfo'),
    and(is('process.name', 'kmod'), is('process.args', 'list')),
    and(is('process.name', 'depmod'), values('process.args', '--all', '-a')),
  ),
];

/** The v210 query's AST as Kibana's KQL grammar builds it (kbn-es-query src/kuery/grammar/grammar.peggy, node_types/*). */
export const V210_AST: KueryNode = and(...positive, not(values('process.parent.name', ...V210_EXCLUDED_PARENTS)));

/** The v211 ("seed") query's AST: one more parent name and a wildcard exclusion. */
export const V211_AST: KueryNode = and(
  ...positive,
  not(
    or(
      values('process.parent.name', ...V210_EXCLUDED_PARENTS, 'newrelic-infra'),
      is('process.parent.executable', wc('/var/lib/dpkg/info/linux-modules*-generic.post*')),
    ),
  ),
);
