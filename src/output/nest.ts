/**
 * `--nested`: an alert with its flat dotted keys (`"kibana.alert.uuid"`, as Kibana writes them to
 * `.alerts-security.alerts-*`) turned into nested objects, so `jq .kibana.alert.uuid` works. Opt-in:
 * by default documents keep Kibana's shape, which is what `_bulk` into Kibana expects.
 */
import type { AlertDocument } from './types.js';

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of `o` with every dotted key of every object (arrays included) nested. */
function nestValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(nestValue);
  if (!isObject(v)) return v;
  const out: Obj = Object.create(null) as Obj;
  // Shallow keys first, so a dotted key is merged into the object it extends (or kept flat beside the
  // value in its way) whatever the key order.
  const depth = (k: string): number => k.split('.').length;
  const keys = Object.keys(v).sort((a, b) => depth(a) - depth(b));
  for (const key of keys) insert(out, key, nestValue(v[key]));
  return { ...out };
}

function insert(target: Obj, key: string, value: unknown): void {
  const parts = key.split('.');
  // A key with an empty part (`a..b`, `.a`) has no nested spelling: keep it as it is.
  if (parts.length === 1 || parts.some((p) => p === '')) {
    merge(target, key, value);
    return;
  }
  let at: Obj = target;
  for (let i = 0; i < parts.length - 1; i++) {
    const p = parts[i]!;
    const next = Object.hasOwn(at, p) ? at[p] : undefined;
    if (next === undefined) {
      const created: Obj = {};
      Object.defineProperty(at, p, { value: created, enumerable: true, writable: true, configurable: true });
      at = created;
    } else if (isObject(next)) {
      at = next;
    } else {
      // `a` is already a value: the rest of the dotted key cannot nest under it; keep it flat there.
      merge(at, parts.slice(i).join('.'), value);
      return;
    }
  }
  merge(at, parts[parts.length - 1]!, value);
}

function merge(target: Obj, key: string, value: unknown): void {
  const existing = Object.hasOwn(target, key) ? target[key] : undefined;
  if (isObject(existing) && isObject(value)) {
    for (const [k, v] of Object.entries(value)) insert(existing, k, v);
    return;
  }
  // defineProperty: a key such as `__proto__` is data, never the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function nestAlert(doc: AlertDocument): AlertDocument {
  return nestValue(doc) as AlertDocument;
}
