import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseMappingText, describeConflict } from '../../src/ecs/mapping-file.js';
import { ecsFieldTypes, endpointProcessFieldTypes, fieldMappingOf } from '../../src/ecs/field-types.js';

const fixture = readFileSync(new URL('./fixtures/new-terms-mapping.json', import.meta.url), 'utf8');

describe('--mapping files (GET <index>/_mapping)', () => {
  it('flatten properties to dotted field names with their types', () => {
    const t = parseMappingText(fixture, 'm.json');
    expect(t.lookup('user.id')).toEqual({ type: 'integer' });
    expect(t.lookup('user.enabled')).toEqual({ type: 'boolean' });
    expect(t.lookup('host.ip')).toEqual({ type: 'ip' });
    expect(t.lookup('user')).toBeUndefined();
    expect(t.source).toBe('m.json (index new_terms)');
  });

  it('read multi-fields, normalizers, ignore_above and aliases', () => {
    const t = parseMappingText(
      JSON.stringify({
        i: {
          mappings: {
            properties: {
              process: {
                properties: {
                  executable: { type: 'keyword', ignore_above: 1024, fields: { caseless: { type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 }, text: { type: 'text' } } },
                },
              },
              exe: { type: 'alias', path: 'process.executable' },
            },
          },
        },
      }),
      'm.json',
    );
    expect(t.lookup('process.executable.caseless')).toEqual({ type: 'keyword', normalizer: 'lowercase', ignore_above: 1024 });
    expect(t.lookup('process.executable.text')).toEqual({ type: 'text' });
    expect(t.lookup('exe')).toEqual({ type: 'keyword', ignore_above: 1024 });
  });

  it('read es_archiver mappings.json documents (several, separated by blank lines)', () => {
    const doc = (index: string, type: string) => JSON.stringify({ type: 'index', value: { index, mappings: { properties: { f: { type } } } } }, null, 2);
    const t = parseMappingText(`${doc('a', 'long')}\n\n${doc('b', 'integer')}\n`, 'archive.json');
    expect(t.lookup('f')).toEqual({ type: 'long' });
    expect(t.conflicts).toEqual([]);
  });

  it('report a field of different type families across indices as Kibana reports a mapping conflict', () => {
    const idx = (type: string) => ({ mappings: { properties: { success: { type }, n: { type: type === 'boolean' ? 'integer' : 'float' }, s: { type: type === 'boolean' ? 'text' : 'keyword' } } } });
    const t = parseMappingText(JSON.stringify({ 'logs-2017.01.01': idx('keyword'), 'logs-2017.01.02': idx('boolean') }), 'm.json');
    // integer vs float and text vs keyword are one family each: no conflict (Kibana: type number / string).
    expect(t.conflicts).toEqual([{ field: 'success', conflictDescriptions: { keyword: ['logs-2017.01.01'], boolean: ['logs-2017.01.02'] } }]);
    expect(describeConflict(t.conflicts[0]!)).toMatch(/mapping conflict: field "success" is defined as several types .*keyword in logs-2017.01.01; boolean in logs-2017.01.02/);
    expect(t.lookup('success')).toEqual({ type: 'keyword' });
  });

  it('refuse a file that is not a mapping response, naming the file', () => {
    expect(() => parseMappingText('{"i": {"settings": {}}}', 'bad.json')).toThrow(/bad.json: "i" has no "mappings" object/);
    expect(() => parseMappingText('{not json', 'bad.json')).toThrow(/bad.json: not JSON/);
  });
});

describe('built-in field types', () => {
  it('give every ECS field its ECS type, and unknown fields keyword', () => {
    const ecs = ecsFieldTypes();
    expect(ecs.lookup('process.pid')).toEqual({ type: 'long' });
    expect(ecs.lookup('host.ip')).toEqual({ type: 'ip' });
    expect(ecs.lookup('process.command_line')).toEqual({ type: 'wildcard' });
    expect(ecs.lookup('process.name.text')).toEqual({ type: 'match_only_text' });
    expect(fieldMappingOf(ecs, 'no.such.field')).toEqual({ type: 'keyword', ignore_above: 1024, known: false });
    expect(ecs.source).toMatch(/elastic\/ecs v8\.16\.0/);
  });

  it('overlay Elastic Defend\'s process data stream: .caseless with the lowercase normalizer, .text analysed', () => {
    const t = endpointProcessFieldTypes();
    expect(t.lookup('process.executable')).toEqual({ type: 'keyword', ignore_above: 1024 });
    expect(t.lookup('process.executable.caseless')).toEqual({ type: 'keyword', ignore_above: 1024, normalizer: 'lowercase' });
    expect(t.lookup('process.executable.text')).toEqual({ type: 'text' });
    expect(t.lookup('process.parent.executable')).toEqual({ type: 'keyword', ignore_above: 1024 });
    // ECS fields the data stream does not map stay as ECS has them.
    expect(t.lookup('dns.question.name')).toEqual(ecsFieldTypes().lookup('dns.question.name'));
  });
});
