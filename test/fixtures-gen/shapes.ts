/**
 * Writes fixtures/shapes/: the same three events (Defend lsmod from bash, Defend depmod under dkms,
 * Endgame modinfo) in every input shape the reader recognises, so tests can check each shape yields
 * the same events. Run: `npx tsx test/fixtures-gen/shapes.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { defendProcess, docId, endgameProcess, makeHosts, rng, type Host } from './builders.js';

const r = rng(3);
const hosts = makeHosts(r);
const [web1, build7] = hosts.defend as [Host, Host];
const db2 = hosts.endgame[0]!;
const T = Date.UTC(2024, 4, 14, 9, 21, 7, 441);

const SHAPE_EVENTS: Array<{ index: string; id: string; source: Record<string, unknown> }> = [
  {
    index: '.ds-logs-endpoint.events.process-default-2024.05.14-000001',
    id: docId(r),
    source: defendProcess(r, web1, { id: '1000', name: 'ubuntu' }, T, { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: { name: 'bash', executable: '/usr/bin/bash', args: ['-bash'] } }),
  },
  {
    index: '.ds-logs-endpoint.events.process-default-2024.05.14-000001',
    id: docId(r),
    source: defendProcess(r, build7, { id: '0', name: 'root' }, T + 60_000, { name: 'depmod', executable: '/usr/bin/kmod', args: ['depmod', '-a', '6.8.0-31-generic'], parent: { name: 'dkms', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/sbin/dkms', 'autoinstall'] }, entryMeta: 'init' }),
  },
  {
    index: 'endgame-8.4.0-000001',
    id: docId(r),
    source: endgameProcess(r, db2, { id: '0', name: 'root' }, T + 120_000, { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'nf_conntrack'], parent: { name: 'bash', executable: '/usr/bin/bash', args: ['-bash'] } }),
  },
];

/** Leaf path → values, as the fields API returns them (every leaf an array, object arrays merged). */
function fieldsOf(doc: unknown, prefix = '', out: Record<string, unknown[]> = {}): Record<string, unknown[]> {
  if (Array.isArray(doc)) {
    for (const el of doc) fieldsOf(el, prefix, out);
  } else if (typeof doc === 'object' && doc !== null) {
    for (const [k, v] of Object.entries(doc)) fieldsOf(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    (out[prefix] ??= []).push(doc);
  }
  return out;
}

/** Flat dotted keys with the original leaf values (arrays kept as arrays). */
function dotted(doc: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(doc)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) dotted(v as Record<string, unknown>, key, out);
    else out[key] = v;
  }
  return out;
}

const hit = (e: (typeof SHAPE_EVENTS)[number]): Record<string, unknown> => ({ _index: e.index, _id: e.id, _score: null, _source: e.source });
const nd = (values: unknown[], eol = '\n'): string => values.map((v) => JSON.stringify(v)).join(eol) + eol;

const dir = fileURLToPath(new URL('../../fixtures/shapes/', import.meta.url));
mkdirSync(dir, { recursive: true });
const write = (name: string, data: string | Buffer): void => writeFileSync(`${dir}${name}`, data);

write('bare.ndjson', nd(SHAPE_EVENTS.map((e) => e.source)));
write('hits.ndjson', nd(SHAPE_EVENTS.map(hit)));
const response = (hits: unknown[], scrollId: string): unknown => ({
  _scroll_id: scrollId,
  took: 4,
  timed_out: false,
  _shards: { total: 3, successful: 3, skipped: 0, failed: 0 },
  hits: { total: { value: 3, relation: 'eq' }, max_score: null, hits },
});
write('search-response.ndjson', nd([response(SHAPE_EVENTS.slice(0, 2).map(hit), 'FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFk'), response(SHAPE_EVENTS.slice(2).map(hit), 'FGluY2x1ZGVfY29udGV4dF91dWlkDXF1ZXJ5QW5kRmV0Y2gBFl')]));
write(
  'es-archiver.json',
  SHAPE_EVENTS.map((e) => JSON.stringify({ type: 'doc', value: { id: e.id, index: e.index, source: e.source } }, null, 2)).join('\n\n') + '\n',
);
write(
  'fields-api.ndjson',
  nd([
    { _index: SHAPE_EVENTS[0]!.index, _id: SHAPE_EVENTS[0]!.id, _score: 1, fields: fieldsOf(SHAPE_EVENTS[0]!.source) },
    { _index: SHAPE_EVENTS[1]!.index, _id: SHAPE_EVENTS[1]!.id, _score: 1, fields: fieldsOf(SHAPE_EVENTS[1]!.source) },
    // A bare document in the fields-API style (Kibana timeline export): every leaf an array.
    fieldsOf(SHAPE_EVENTS[2]!.source),
  ]),
);
{
  // One fully flat, one mixing nested objects with dotted keys, one flat.
  const [a, b, c] = SHAPE_EVENTS.map((e) => e.source) as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
  const { process: proc, ...rest } = b as { process: Record<string, unknown> } & Record<string, unknown>;
  const mixed = { ...rest, process: { ...dotted({ parent: proc.parent }), ...Object.fromEntries(Object.entries(proc).filter(([k]) => k !== 'parent')) } };
  write('dotted.ndjson', nd([dotted(a), mixed, dotted(c)]));
}
{
  // Two gzip members (as `cat a.gz b.gz` makes), under a name the reader never relies on.
  const lines = SHAPE_EVENTS.map((e) => JSON.stringify(hit(e)) + '\n');
  write('events.ndjson.gz', Buffer.concat([gzipSync(lines.slice(0, 2).join('')), gzipSync(lines.slice(2).join(''))]));
}
// A Windows-made export: BOM, CRLF, and no line break after the last line.
write('crlf-bom.ndjson', '\ufeff' + SHAPE_EVENTS.map((e) => JSON.stringify(hit(e))).join('\r\n'));
{
  const good = SHAPE_EVENTS.map((e) => JSON.stringify(hit(e)));
  const parts: Buffer[] = [
    Buffer.from(`${good[0]}\n`),
    Buffer.from('\n'), // 2: blank
    Buffer.from(`${good[1]!.slice(0, 200)}\n`), // 3: truncated
    Buffer.from('42\n'), // 4: not an object
    Buffer.from('Killed\n'), // 5: stray text
    Buffer.concat([Buffer.from('{"event":{"action":"exec","original":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}}\n')]), // 6: invalid UTF-8
    Buffer.from('   \r\n'), // 7: blank (spaces and CR)
    Buffer.from(`${good[1]}\n`),
    Buffer.from('{"_index":"logs-endpoint.events.process-default", "_id": "x", "_source": {"a": 1},}\n'), // 9: invalid JSON
    Buffer.from(`${good[2]}\n`),
  ];
  write('bad-lines.ndjson', Buffer.concat(parts));
}
process.stderr.write(`wrote shape samples to ${dir}\n`);
