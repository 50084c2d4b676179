/**
 * How deep a document nests. Elasticsearch parses JSON with Jackson, whose StreamReadConstraints
 * refuse nesting deeper than 1000 levels (the default since jackson-core 2.15; see
 * FasterXML/jackson-core#1233), so a document nested deeper is never indexed and no rule ever sees
 * it. It also cannot be serialised back by JSON.stringify past a few thousand levels, so the engine
 * sets such events aside (counted and sampled) instead of failing on them.
 */
export const MAX_NESTING_DEPTH = 1000;

/** True when `value` has objects or arrays nested more than `limit` levels deep (iterative). */
export function nestingExceeds(value: unknown, limit: number = MAX_NESTING_DEPTH): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    const depth = d + 1;
    if (depth > limit) return true;
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push([x, depth]);
    } else {
      for (const k in v as Record<string, unknown>) {
        const x = (v as Record<string, unknown>)[k];
        if (x !== null && typeof x === 'object') stack.push([x, depth]);
      }
    }
  }
  return false;
}

/**
 * A too-deep event cannot cross to another thread either (structured clone recurses too): a worker
 * sends this shallow stand-in instead, which the engine recognises like the event itself.
 */
const TOO_DEEP_KEY = '\u0000kmod-enum-detect:nested-too-deep';

export function tooDeepStandIn(): Record<string, unknown> {
  return { [TOO_DEEP_KEY]: true };
}

/** An event nested deeper than Elasticsearch accepts, or the stand-in for one. */
export function isTooDeep(source: Record<string, unknown>): boolean {
  return source[TOO_DEEP_KEY] === true || nestingExceeds(source);
}
