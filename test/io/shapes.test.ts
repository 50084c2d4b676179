import { describe, expect, it } from 'vitest';
import { getKeywordTerms } from '../../src/ecs/fields.js';
import { recognizeShape } from '../../src/io/shapes.js';
import type { SourceEvent } from '../../src/io/types.js';
import { FIXTURES, readAll } from './support.js';

const SRC = { event: { action: 'exec' }, process: { name: 'lsmod' } };

describe('recognizeShape', () => {
  it('takes a bare document as it is', () => {
    expect(recognizeShape(SRC)).toEqual({ ok: true, shape: 'bare', events: [{ source: SRC }] });
  });

  it('unwraps a search hit and keeps _index and _id', () => {
    expect(recognizeShape({ _index: 'i', _id: 'd', _score: null, _source: SRC })).toEqual({
      ok: true,
      shape: 'hit',
      events: [{ source: SRC, index: 'i', id: 'd' }],
    });
  });

  it('takes the fields object of a fields-API hit as the source', () => {
    const fields = { 'process.name': ['lsmod'] };
    expect(recognizeShape({ _index: 'i', _id: 'd', fields })).toEqual({
      ok: true,
      shape: 'fields-hit',
      events: [{ source: fields, index: 'i', id: 'd' }],
    });
  });

  it('prefers _source when a hit carries both _source and fields', () => {
    const r = recognizeShape({ _index: 'i', _id: 'd', _source: SRC, fields: { x: [1] } });
    expect(r.ok && r.events[0]!.source).toBe(SRC);
  });

  it('does not mistake a Beats `fields` object in a bare document for a fields-API hit', () => {
    const doc = { ...SRC, fields: { env: 'prod' } };
    expect(recognizeShape(doc)).toEqual({ ok: true, shape: 'bare', events: [{ source: doc }] });
  });

  it('makes one event per hit of a search response, in order', () => {
    const r = recognizeShape({ took: 1, hits: { hits: [{ _index: 'a', _id: '1', _source: SRC }, { _index: 'b', _id: '2', _source: { x: 1 } }] } });
    expect(r).toEqual({
      ok: true,
      shape: 'search-response',
      events: [
        { source: SRC, index: 'a', id: '1' },
        { source: { x: 1 }, index: 'b', id: '2' },
      ],
    });
  });

  it('accepts an empty search response as zero events', () => {
    expect(recognizeShape({ hits: { hits: [] } })).toEqual({ ok: true, shape: 'search-response', events: [] });
  });

  it('unwraps an es_archiver doc', () => {
    expect(recognizeShape({ type: 'doc', value: { index: 'i', id: 'd', source: SRC } })).toEqual({
      ok: true,
      shape: 'es-archiver',
      events: [{ source: SRC, index: 'i', id: 'd' }],
    });
  });

  it('falls back to the data stream of an es_archiver doc that names no index', () => {
    expect(recognizeShape({ type: 'doc', value: { data_stream: 'logs-endpoint.events.process-default', id: 'd', source: SRC } })).toMatchObject({
      ok: true,
      events: [{ index: 'logs-endpoint.events.process-default', id: 'd' }],
    });
  });

  it('lifts hit metadata inlined into a bare document out of the source', () => {
    expect(recognizeShape({ _index: 'i', _id: 'd', _score: 3, ...SRC })).toEqual({
      ok: true,
      shape: 'bare',
      events: [{ source: SRC, index: 'i', id: 'd' }],
    });
  });

  it('accepts an array of hits but not an array of anything else', () => {
    expect(recognizeShape([{ _index: 'i', _id: 'd', _source: SRC }])).toMatchObject({ ok: true, shape: 'hit' });
    for (const v of [[1, 2], [SRC], [], 'lsmod', 42, null, true]) {
      expect(recognizeShape(v)).toMatchObject({ ok: false, what: expect.stringMatching(/^not an object/) });
    }
  });
});

/** The fields a rule looks at, as Elasticsearch would index them: shape-independent. */
const FIELDS = [
  '@timestamp',
  'event.ingested',
  'event.category',
  'event.type',
  'event.action',
  'host.os.type',
  'host.name',
  'process.name',
  'process.executable',
  'process.args',
  'process.parent.name',
  'process.parent.executable',
  'process.parent.args',
  'user.name',
];

function view(e: SourceEvent): Record<string, string[]> {
  return Object.fromEntries(FIELDS.map((f) => [f, getKeywordTerms(e.source, f)]));
}

describe('every shape sample yields the same events', () => {
  const reference = readAll([`${FIXTURES}shapes/hits.ndjson`]);
  const shapes = [
    'bare.ndjson',
    'search-response.ndjson',
    'es-archiver.json',
    'fields-api.ndjson',
    'dotted.ndjson',
    'events.ndjson.gz',
    'crlf-bom.ndjson',
  ];
  for (const name of shapes) {
    it(name, async () => {
      const ref = (await reference).events;
      const { events, acct } = await readAll([`${FIXTURES}shapes/${name}`]);
      expect(events.map(view)).toEqual(ref.map(view));
      expect(acct.total.malformed).toBe(0);
      // Shapes that carry _index/_id keep them.
      for (let i = 0; i < events.length; i++) {
        if (events[i]!.index !== undefined) {
          expect(events[i]!.index).toBe(ref[i]!.index);
          expect(events[i]!.id).toBe(ref[i]!.id);
        }
      }
    });
  }

  it('the hit shapes all carry _index and _id', async () => {
    for (const name of ['hits.ndjson', 'search-response.ndjson', 'es-archiver.json', 'events.ndjson.gz', 'crlf-bom.ndjson']) {
      const { events } = await readAll([`${FIXTURES}shapes/${name}`]);
      expect(events.every((e) => e.index !== undefined && e.id !== undefined)).toBe(true);
    }
  });

  it('bad-lines.ndjson yields the good events between its bad lines', async () => {
    const ref = (await reference).events;
    const { events } = await readAll([`${FIXTURES}shapes/bad-lines.ndjson`]);
    expect(events.map(view)).toEqual(ref.map(view));
  });
});
