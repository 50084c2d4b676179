import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULE } from '../../src/rule/builtin.js';
import { compileKql } from '../../src/kql/compile.js';
import { parseKql } from '../../src/kql/parse.js';

const query = BUILTIN_RULE.query!;
const matches = compileKql(query);

const EXCLUDED_PARENTS = [
  'mkinitramfs', 'cryptroot', 'framebuffer', 'dracut', 'jem', 'thin-provisioning-tools', 'readykernel', 'lvm2',
  'vz-start', 'iscsi', 'mdadm', 'ovalprobes', 'bcache', 'plymouth', 'dkms', 'overlayroot', 'weak-modules', 'zfs',
  'systemd', 'whoopsie-upload-all', 'kdumpctl', 'apport-gtk', 'casper', 'rear', 'kernel-install',
];

/** An Elastic Defend process start on Linux, nested ECS objects, arrays where Defend sends arrays. */
function defendEvent(name: string, args: string[], parent: string | undefined = 'bash', action = 'exec'): Record<string, unknown> {
  return {
    '@timestamp': '2024-05-14T09:21:07.441Z',
    event: { category: ['process'], type: ['start'], action, kind: 'event' },
    host: { os: { type: 'linux' }, name: 'web-1' },
    process: {
      name,
      args,
      executable: `/usr/sbin/${name}`,
      ...(parent === undefined ? {} : { parent: { name: parent, executable: `/usr/bin/${parent}` } }),
    },
  };
}

describe('v210 rule query: inclusion branches', () => {
  it('matches lsmod and modinfo by process name alone', () => {
    expect(matches(defendEvent('lsmod', ['lsmod']))).toBe(true);
    expect(matches(defendEvent('modinfo', ['modinfo', 'ext4']))).toBe(true);
  });

  it('matches kmod only with a "list" argument', () => {
    expect(matches(defendEvent('kmod', ['kmod', 'list']))).toBe(true);
    expect(matches(defendEvent('kmod', ['kmod', 'static-nodes']))).toBe(false);
    expect(matches(defendEvent('kmod', ['lsmod']))).toBe(false);
  });

  it('matches depmod only with exactly "--all" or "-a" among the arguments', () => {
    expect(matches(defendEvent('depmod', ['depmod', '-a']))).toBe(true);
    expect(matches(defendEvent('depmod', ['depmod', '--all']))).toBe(true);
    expect(matches(defendEvent('depmod', ['depmod', '-A']))).toBe(false);
    expect(matches(defendEvent('depmod', ['depmod', '--all=yes']))).toBe(false);
    expect(matches(defendEvent('depmod', ['depmod', '-ae']))).toBe(false);
    expect(matches(defendEvent('depmod', ['depmod']))).toBe(false);
  });

  it('accepts the Endgame action exec_event as well as exec', () => {
    expect(matches(defendEvent('lsmod', ['lsmod'], 'bash', 'exec_event'))).toBe(true);
    expect(matches(defendEvent('lsmod', ['lsmod'], 'bash', 'fork'))).toBe(false);
  });

  it('compares process names case-sensitively and whole', () => {
    expect(matches(defendEvent('LSMOD', ['LSMOD']))).toBe(false);
    expect(matches(defendEvent('lsmod2', ['lsmod2']))).toBe(false);
    expect(matches(defendEvent('xlsmod', ['xlsmod']))).toBe(false);
  });

  it('requires every top-level condition', () => {
    const base = defendEvent('lsmod', ['lsmod']);
    expect(matches({ ...base, event: { category: ['process'], type: ['end'], action: 'exec' } })).toBe(false);
    expect(matches({ ...base, event: { category: ['file'], type: ['start'], action: 'exec' } })).toBe(false);
    expect(matches({ ...base, host: { os: { type: 'windows' } } })).toBe(false);
    expect(matches({ ...base, host: {} })).toBe(false);
    expect(matches({ ...base, event: { category: ['process'], type: ['start'] } })).toBe(false);
  });

  it('finds a match among array values of event.type and event.category', () => {
    const e = defendEvent('lsmod', ['lsmod']);
    expect(matches({ ...e, event: { category: ['host', 'process'], type: ['info', 'start'], action: 'exec' } })).toBe(true);
  });
});

describe('v210 rule query: parent exclusions', () => {
  it.each(EXCLUDED_PARENTS)('excludes parent %s', (parent) => {
    expect(matches(defendEvent('lsmod', ['lsmod'], parent))).toBe(false);
    expect(matches(defendEvent('depmod', ['depmod', '-a'], parent))).toBe(false);
  });

  it('lists exactly the 25 parents of v210 (not newrelic-infra, which came in v211)', () => {
    expect(EXCLUDED_PARENTS).toHaveLength(25);
    expect(matches(defendEvent('lsmod', ['lsmod'], 'newrelic-infra'))).toBe(true);
  });

  it('excludes only exact, case-sensitive parent names', () => {
    expect(matches(defendEvent('lsmod', ['lsmod'], 'Systemd'))).toBe(true);
    expect(matches(defendEvent('lsmod', ['lsmod'], 'systemd-udevd'))).toBe(true);
    expect(matches(defendEvent('lsmod', ['lsmod'], 'dkms '))).toBe(true);
  });

  it('does not exclude an event without a parent (not on a missing field is true)', () => {
    expect(matches(defendEvent('lsmod', ['lsmod'], undefined))).toBe(true);
  });
});

describe('v210 rule query: document shapes', () => {
  it('matches the same event written with flat dotted keys', () => {
    const flat = {
      'event.category': 'process',
      'event.type': 'start',
      'event.action': 'exec',
      'host.os.type': 'linux',
      'process.name': 'depmod',
      'process.args': ['depmod', '--all'],
      'process.parent.name': 'bash',
    };
    expect(matches(flat)).toBe(true);
    expect(matches({ ...flat, 'process.parent.name': 'dracut' })).toBe(false);
  });

  it('matches a mix of nested objects and dotted keys', () => {
    const mixed = {
      event: { category: 'process', 'type': 'start', action: 'exec' },
      'host.os': { type: 'linux' },
      process: { name: 'kmod', 'args': ['kmod', 'list'], 'parent.name': 'sshd' },
    };
    expect(matches(mixed)).toBe(true);
    expect(matches({ ...mixed, process: { ...mixed.process, 'parent.name': 'zfs' } })).toBe(false);
  });

  it('matches fields-API exports where every leaf is an array', () => {
    const fieldsApi = {
      'event.category': ['process'],
      'event.type': ['start'],
      'event.action': ['exec_event'],
      'host.os.type': ['linux'],
      'process.name': ['modinfo'],
      'process.parent.name': ['bash'],
    };
    expect(matches(fieldsApi)).toBe(true);
  });

  it('matches an Endgame exec_event without event.ingested', () => {
    const endgame = {
      '@timestamp': '2024-05-14T10:00:00Z',
      event: { action: 'exec_event', category: ['process'], type: ['start'], module: 'endgame', dataset: 'esensor' },
      host: { os: { type: 'linux' } },
      process: { name: 'modinfo', args: ['modinfo', 'nvidia'], parent: { name: 'bash' } },
    };
    expect(matches(endgame)).toBe(true);
  });

  it('gives the expected answer on the shared sample events', () => {
    const lines = readFileSync(new URL('../../fixtures/kql/sample_events.ndjson', import.meta.url), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const verdicts = lines.map((l) => {
      const doc = JSON.parse(l) as Record<string, unknown>;
      return matches((doc._source as Record<string, unknown> | undefined) ?? doc);
    });
    // lsmod from bash; depmod -a under dkms (excluded); Endgame modinfo.
    expect(verdicts).toEqual([true, false, true]);
  });
});

describe('v210 rule query: parse tree', () => {
  it('parses to Kibana shape: six top-level and-clauses, groups kept, exclusion under not', () => {
    const ast = parseKql(query);
    expect(ast.function).toBe('and');
    if (ast.function !== 'and') return;
    expect(ast.arguments).toHaveLength(6);
    const [, , , action, branches, exclusion] = ast.arguments;
    expect(action).toEqual({
      type: 'function',
      function: 'or',
      arguments: [
        { type: 'function', function: 'is', arguments: [{ type: 'literal', value: 'event.action', isQuoted: false }, { type: 'literal', value: 'exec', isQuoted: false }] },
        { type: 'function', function: 'is', arguments: [{ type: 'literal', value: 'event.action', isQuoted: false }, { type: 'literal', value: 'exec_event', isQuoted: false }] },
      ],
    });
    expect(branches?.function).toBe('or');
    expect(branches?.arguments.map((b) => (typeof b === 'object' && 'function' in b ? b.function : null))).toEqual(['or', 'and', 'and']);
    expect(exclusion?.function).toBe('not');
    const excluded = exclusion?.function === 'not' ? exclusion.arguments[0] : undefined;
    expect(excluded?.function).toBe('or');
    expect(excluded?.arguments).toHaveLength(25);
  });
});
