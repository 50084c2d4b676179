import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestAlert } from '../../src/output/nest.js';
import { alert } from './helpers.js';

describe('--nested alert view', () => {
  it('turns Kibana’s flat dotted keys into objects merged with the source event', () => {
    const doc = nestAlert(alert()) as { kibana: { alert: { uuid: string; rule: { name: string } } }; process: { name: string }; host: { name: string } };
    expect(doc.kibana.alert.uuid).toBe(alert()['kibana.alert.uuid']);
    expect(doc.kibana.alert.rule.name).toBe('Enumeration of Kernel Modules');
    expect(doc.process.name).toBe('lsmod');
    expect(Object.keys(doc).some((k) => k.includes('.'))).toBe(false);
  });

  it('merges a dotted key into the object it extends, whatever the key order', () => {
    expect(nestAlert({ 'process.parent.name': 'bash', process: { name: 'lsmod' } })).toEqual({ process: { name: 'lsmod', parent: { name: 'bash' } } });
    expect(nestAlert({ 'a.b': 1, a: { c: 2 } })).toEqual({ a: { b: 1, c: 2 } });
  });

  it('keeps a dotted key flat where a value already stands in the way, and never writes to a prototype', () => {
    expect(nestAlert({ a: 1, 'a.b': 2 })).toEqual({ a: 1, 'a.b': 2 });
    const out = nestAlert(JSON.parse('{"__proto__.polluted": 1, "x.__proto__": {"y": 2}}') as Record<string, unknown>);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('y');
    expect(JSON.stringify(out)).toContain('polluted');
  });

  it('loses no leaf value: every leaf of the flat document is found at its dotted path in the nested one', () => {
    const key = fc.stringMatching(/^[a-c]{1,2}$/);
    const path = fc.array(key, { minLength: 1, maxLength: 3 }).map((p) => p.join('.'));
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(path, fc.integer()), { selector: (t) => t[0], maxLength: 8 }), (entries) => {
        const flat = Object.fromEntries(entries);
        const nested = nestAlert(flat);
        const get = (o: unknown, p: string): unknown => {
          if (o !== null && typeof o === 'object' && p in (o as object)) return (o as Record<string, unknown>)[p];
          const parts = p.split('.');
          for (let i = 1; i < parts.length; i++) {
            const head = (o as Record<string, unknown>)[parts.slice(0, i).join('.')];
            if (head !== undefined && typeof head === 'object') {
              const v = get(head, parts.slice(i).join('.'));
              if (v !== undefined) return v;
            }
          }
          return undefined;
        };
        // A key that is a prefix of another (a and a.b) holds a value the other cannot nest under.
        return entries.every(([p, v]) => get(nested, p) === v);
      }),
    );
  });
});
