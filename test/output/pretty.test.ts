import { Chalk } from 'chalk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../src/output/formatter.js';
import { fitWidths, isoTime, renderAlertTable } from '../../src/output/pretty.js';
import { displayWidth } from '../../src/output/text.js';
import { alert, memorySink, memoryWriter, tail } from './helpers.js';

const ANSI = /\x1b\[[0-9;]*m/;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const alerts = [
  alert(),
  alert({ host: 'db-02', user: 'root', args: ['kmod', 'list'], terms: ['/usr/bin/kmod'], parent: '/usr/sbin/sshd', time: '2024-05-15T01:02:03+02:00' }),
];

describe('pretty table', () => {
  it('shows time, host, user, command line, parent and new terms of each alert', () => {
    const out = renderAlertTable(alerts, { width: 200 });
    for (const value of ['2024-05-14T10:22:31.123Z', 'web-01', 'ubuntu', 'lsmod', '/usr/bin/bash', '/usr/sbin/lsmod', 'db-02', 'root', 'kmod list', '/usr/sbin/sshd', '/usr/bin/kmod']) {
      expect(out).toContain(value);
    }
    expect(out.split('\n')[0]).toMatch(/^time\s+host\s+user\s+command line\s+parent\s+new terms$/);
  });

  it('shows original times in UTC with milliseconds whatever offset the event carried', () => {
    expect(renderAlertTable(alerts, { width: 200 })).toContain('2024-05-14T23:02:03.000Z');
    expect(isoTime('not a time')).toBe('not a time');
  });

  it('has no ANSI codes when colour is off and has them when it is on', () => {
    expect(renderAlertTable(alerts, { width: 120, chalk: new Chalk({ level: 0 }) })).not.toMatch(ANSI);
    const coloured = renderAlertTable(alerts, { width: 120, chalk: new Chalk({ level: 1 }) });
    expect(coloured).toMatch(ANSI);
    expect(stripAnsi(coloured)).toBe(renderAlertTable(alerts, { width: 120 }));
  });

  it('fits every line into a narrow terminal, cutting long cells with an ellipsis', () => {
    const long = alert({ args: ['modinfo', '-F', 'version', 'x'.repeat(200)], parent: '/opt/' + 'p'.repeat(100) + '/run' });
    for (const width of [70, 90, 120]) {
      const out = renderAlertTable([...alerts, long], { width, chalk: new Chalk({ level: 3 }) });
      expect(stripAnsi(out)).toMatch(/^time {2,}host/);
      for (const line of stripAnsi(out).trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(out).toContain('…');
      expect(out).toContain('2024-05-14T10:22:31.123Z');
    }
  });

  it('falls back to one block per alert when too narrow for a table', () => {
    const out = renderAlertTable(alerts, { width: 40 });
    expect(out).toContain('host:');
    expect(out).toContain('web-01');
    for (const line of out.trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(40);
  });

  it('joins args into a quoted command line when process.command_line is absent', () => {
    const out = renderAlertTable([alert({ args: ['modprobe', '-c', 'a b', "it's"] })], { width: 200 });
    expect(out).toContain(`modprobe -c 'a b' 'it'\\''s'`);
  });

  it('escapes control characters and bidi overrides from event values instead of sending them to the terminal', () => {
    const out = renderAlertTable([alert({ commandLine: 'lsmod\x1b[2J\nrm -rf /\u202e', host: 'h\x07' })], { width: 200 });
    expect(out).not.toMatch(/\x1b|\x07|\u202e/);
    expect(out).toContain('lsmod\\x1b[2J\\nrm -rf /\\u202e');
  });

  it('leaves out the new terms column when no alert has new terms (query mode)', () => {
    const q = alert();
    delete q['kibana.alert.new_terms'];
    expect(renderAlertTable([q], { width: 200 }).split('\n')[0]).not.toContain('new terms');
  });

  it('prints a clear line when there are no alerts', () => {
    expect(renderAlertTable([], { width: 80 })).toBe('No alerts.\n');
  });

  it('writes the table to the sink and the summary footer with warnings to stderr', async () => {
    const { sink, text } = memorySink();
    const stderr = memoryWriter();
    const f = createFormatter('pretty', { sink, diagnostics: stderr, width: 150 });
    for (const a of alerts) await f.alert(a);
    await f.end(tail);
    expect(text()).toContain('kmod list');
    expect(text()).not.toContain('evaluated');
    expect(stderr.text()).toMatch(/evaluated:\s+1,180/);
    expect(stderr.text()).toContain('warning: events.ndjson:17: invalid JSON');
  });
});

describe('fitWidths', () => {
  it('keeps natural widths when they fit and never shrinks fixed columns', () => {
    expect(fitWidths([24, 10, 50], [true, false, false], 100)).toEqual([24, 10, 50]);
    const w = fitWidths([24, 10, 50, 40], [true, false, false, false], 70)!;
    expect(w[0]).toBe(24);
    expect(w.reduce((a, b) => a + b, 0)).toBe(70);
    expect(w[1]).toBe(10);
  });

  it('uses the whole width without exceeding it, or says it cannot fit', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 400 }), (natural, available) => {
        const fixed = natural.map(() => false);
        const w = fitWidths(natural, fixed, available);
        const total = natural.reduce((a, b) => a + b, 0);
        if (w === undefined) return natural.reduce((a, b) => a + Math.min(b, 6), 0) > available;
        const sum = w.reduce((a, b) => a + b, 0);
        return sum <= Math.max(available, total) && (total <= available ? sum === total : sum === available) && w.every((x, i) => x <= natural[i]!);
      }),
    );
  });
});
