import { Chalk } from 'chalk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../src/output/formatter.js';
import { resolveColumns } from '../../src/output/columns.js';
import { fitWidths, renderAlertTable } from '../../src/output/pretty.js';
import { displayWidth } from '../../src/output/text.js';
import { alert, memorySink, memoryWriter, tail } from './helpers.js';

const ANSI = /\x1b\[[0-9;]*m/;
const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');

const alerts = [
  alert(),
  alert({ host: 'db-02', user: 'root', args: ['kmod', 'list'], terms: ['/usr/bin/kmod'], parent: '/usr/sbin/sshd', time: '2024-05-15T01:02:03+02:00' }),
];

describe('pretty table', () => {
  it('shows time, host, user, command line, process and parent of each alert', () => {
    const out = renderAlertTable(alerts, { width: 200 });
    for (const value of ['05-14 10:22:31Z', 'web-01', 'ubuntu', 'lsmod', '/usr/bin/bash', '/usr/sbin/lsmod', 'db-02', 'root', 'kmod list', '/usr/sbin/sshd', '/usr/bin/kmod']) {
      expect(out).toContain(value);
    }
    expect(out.split('\n')[0]).toMatch(/^time\s+host\s+user\s+command line\s+process\s+parent$/);
  });

  it('leaves out the new terms column when each alert’s new terms already stand in its row', () => {
    expect(renderAlertTable(alerts, { width: 200 })).not.toContain('new terms');
    const other = alert({ terms: ['/usr/sbin/lsmod', 'web-01-other'] });
    const out = renderAlertTable([other], { width: 200 });
    expect(out.split('\n')[0]).toMatch(/new terms$/);
    expect(out).toContain('web-01-other');
  });

  it('shows original times compact in UTC whatever offset the event carried, full ISO with wide', () => {
    expect(renderAlertTable(alerts, { width: 200 })).toContain('05-14 23:02:03Z');
    const wide = renderAlertTable(alerts, { width: 200, time: { timeZone: 'UTC', wide: true } });
    expect(wide).toContain('2024-05-14T23:02:03.000Z');
    expect(wide).toContain('2024-05-14T10:22:31.123Z');
  });

  it('shows times in another zone for display, with its offset', () => {
    const out = renderAlertTable(alerts, { width: 200, time: { timeZone: 'Europe/Berlin', wide: false } });
    expect(out).toContain('05-14 12:22:31+02:00');
    expect(out).toContain('05-15 01:02:03+02:00');
    expect(renderAlertTable(alerts, { width: 200, time: { timeZone: 'America/New_York', wide: true } })).toContain('2024-05-14T06:22:31.123-04:00');
  });

  it('shows the year only when the alerts span more than one', () => {
    const out = renderAlertTable([alert(), alert({ time: '2025-01-02T03:04:05Z' })], { width: 200 });
    expect(out).toContain('2024-05-14 10:22:31Z');
    expect(out).toContain('2025-01-02 03:04:05Z');
  });

  it('fits 80, 120 and 200 columns, cutting paths in the middle so the file name stays', () => {
    const many = [
      ...alerts,
      alert({ host: 'legacy-app-01', user: 'deploy', args: ['modinfo', 'nf_conntrack'], terms: ['/usr/sbin/modinfo'], parent: '/usr/bin/python3.10' }),
      alert({ host: 'k8s-node-3', user: 'root', args: ['depmod', '--all'], terms: ['/usr/sbin/depmod'], parent: '/usr/lib/systemd/systemd-udevd' }),
    ];
    for (const width of [80, 120, 200]) {
      const out = renderAlertTable(many, { width, chalk: new Chalk({ level: 3 }) });
      for (const line of stripAnsi(out).trimEnd().split('\n')) expect(displayWidth(line)).toBeLessThanOrEqual(width);
      expect(stripAnsi(out)).toMatch(/^time {2,}host {2,}user {2,}command line {2,}process {2,}parent\n/);
      expect(out).toContain('05-14 10:22:31Z');
    }
    const narrow = renderAlertTable(many, { width: 80 });
    expect(narrow).toMatch(/\/usr\/…\/kmod|\/…\/kmod/);
    // A file name longer than its share keeps its end.
    expect(narrow).toMatch(/…[\w/-]*udevd$/m);
    expect(renderAlertTable(many, { width: 200 })).toContain('/usr/lib/systemd/systemd-udevd');
  });

  it('shows the columns asked for, in that order, field paths included', () => {
    const out = renderAlertTable(alerts, { width: 200, columns: resolveColumns(['host', 'uuid', 'process.name']) });
    expect(out.split('\n')[0]).toMatch(/^host\s+alert uuid\s+process\.name$/);
    expect(out).toContain('a1b2c3d4e5f6');
    expect(out.split('\n')[2]).toMatch(/^db-02\s+\S+\s+kmod$/);
    expect(() => resolveColumns(['host', 'no such!'])).toThrow(/unknown column "no such!"/);
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
      expect(out).toContain('05-14 10:22:31Z');
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
    const f = createFormatter('pretty', { sink, diagnostics: stderr, width: 150, summary: 'full' });
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
