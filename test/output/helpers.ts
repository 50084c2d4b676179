import { Writable } from 'node:stream';
import { stdoutSink, type OutputSink } from '../../src/output/sink.js';
import type { AlertDocument, ScanTail } from '../../src/output/types.js';

/** A real StreamSink over an in-memory writable, so the tests exercise the sink code too. */
export function memorySink(): { sink: OutputSink; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { sink: stdoutSink(stream), text: () => chunks.join('') };
}

export function memoryWriter(): { write(text: string): void; text: () => string } {
  let out = '';
  return {
    write(text: string) {
      out += text;
    },
    text: () => out,
  };
}

/** An alert as Kibana writes it: nested source event merged with flat dotted kibana.* keys. */
export function alert(overrides: Partial<{ uuid: string; host: string; user: string; args: string[]; commandLine: string; parent: string; terms: string[]; time: string }> = {}): AlertDocument {
  const o = {
    uuid: 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9',
    host: 'web-01',
    user: 'ubuntu',
    args: ['lsmod'],
    parent: '/usr/bin/bash',
    terms: ['/usr/sbin/lsmod'],
    time: '2024-05-14T10:22:31.123Z',
    ...overrides,
  };
  return {
    '@timestamp': '2024-05-20T08:00:00.000Z',
    host: { name: o.host, os: { type: 'linux' } },
    user: { name: o.user },
    process: {
      name: o.args[0],
      executable: o.terms[0] ?? '/usr/sbin/lsmod',
      args: o.args,
      ...(o.commandLine !== undefined && { command_line: o.commandLine }),
      parent: { executable: o.parent, name: o.parent.split('/').pop() },
    },
    event: { kind: 'signal', category: ['process'], type: ['start'], action: 'exec' },
    'kibana.alert.uuid': o.uuid,
    'kibana.alert.original_time': o.time,
    'kibana.alert.new_terms': o.terms,
    'kibana.alert.rule.name': 'Enumeration of Kernel Modules',
    'kibana.alert.reason': `process event with process ${o.args[0]}, parent process bash, by ${o.user} on ${o.host} created medium alert Enumeration of Kernel Modules.`,
  };
}

export const tail: ScanTail = {
  summary: [
    {
      title: 'Lines',
      rows: [
        { key: 'read', label: 'read', value: 1200 },
        { key: 'evaluated', label: 'evaluated', value: 1180 },
        { key: 'malformed', label: 'malformed lines', value: 2 },
      ],
    },
    { title: 'Alerts', rows: [{ key: 'alerts', label: 'alerts', value: 3 }, { key: 'hosts', label: 'hosts', value: ['web-01', 'db-02'] }] },
  ],
  warnings: [{ kind: 'invalid-json', file: 'events.ndjson', line: 17, message: 'invalid JSON' }],
  errors: [],
};
