/** Terse builders for hand-written KueryNode fixtures. */
import { WILDCARD_SENTINEL, type KueryNode, type LiteralNode, type ValueNode } from '../../src/kql/ast.js';

export const lit = (value: LiteralNode['value'], isQuoted = false): LiteralNode => ({ type: 'literal', value, isQuoted });
/** `*` in `pattern` becomes the wildcard sentinel. */
export const wc = (pattern: string): ValueNode => ({ type: 'wildcard', value: pattern.split('*').join(WILDCARD_SENTINEL) });
export const is = (field: string | null, value: ValueNode | string | boolean): KueryNode => ({
  type: 'function',
  function: 'is',
  arguments: [lit(field), typeof value === 'object' ? value : lit(value)],
});
export const and = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'and', arguments: args });
export const or = (...args: KueryNode[]): KueryNode => ({ type: 'function', function: 'or', arguments: args });
export const not = (arg: KueryNode): KueryNode => ({ type: 'function', function: 'not', arguments: [arg] });
export const exists = (field: string): KueryNode => ({ type: 'function', function: 'exists', arguments: [lit(field)] });
export const nested = (path: string, inner: KueryNode): KueryNode => ({ type: 'function', function: 'nested', arguments: [lit(path), inner] });
export const range = (field: string, op: 'gt' | 'gte' | 'lt' | 'lte', value: string): KueryNode => ({
  type: 'function',
  function: 'range',
  arguments: [lit(field), op, lit(value)],
});

const EXCLUDED_PARENTS = [
  'mkinitramfs', 'cryptroot', 'framebuffer', 'dracut', 'jem', 'thin-provisioning-tools', 'readykernel', 'lvm2',
  'vz-start', 'iscsi', 'mdadm', 'ovalprobes', 'bcache', 'plymouth', 'dkms', 'overlayroot', 'weak-modules', 'zfs',
  'systemd', 'whoopsie-upload-all', 'kdumpctl', 'apport-gtk', 'casper', 'rear', 'kernel-install',
];

/** BUILTIN_RULE.query (v210) as Kibana's parser builds it (kbn-es-query src/kuery/grammar/grammar.peggy and node_types/*, without v211's additions). */
export const V210_AST: KueryNode = and(
  is('event.category', 'process'),
  is('host.os.type', 'linux'),
  is('event.type', 'start'),
  or(is('event.action', 'exec'), is('event.action', 'exec_event')),
  or(
    or(is('process.name', 'lsmod'), is('process.name', 'modinfo')),
    and(is('process.name', 'kmod'), is('process.args', 'list')),
    and(is('process.name', 'depmod'), or(is('process.args', '--all'), is('process.args', '-a'))),
  ),
  not(or(...EXCLUDED_PARENTS.map((p) => is('process.parent.name', p)))),
);
