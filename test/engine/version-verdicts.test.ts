import { describe, expect, it } from 'vitest';
import { createVersionVerdicts, groupVerdicts } from '../../src/engine/version-verdicts.js';
import type { SourceEvent } from '../../src/io/types.js';
import { evaluableVersions } from '../../src/rule/versions.js';
import { versionList } from '../../src/output/explain-versions.js';
import { loadVersions } from './compare-support.js';

const verdictsOf = createVersionVerdicts(loadVersions(evaluableVersions()));
const defend = (parent: Record<string, unknown>, extra: Record<string, unknown> = {}): SourceEvent => ({
  index: '.ds-logs-endpoint.events.process-default-2025.06.01-000001',
  source: {
    event: { category: ['process'], type: ['start'], action: 'exec' },
    host: { os: { type: 'linux' } },
    process: { name: 'lsmod', args: ['lsmod'], executable: '/usr/bin/kmod', parent: { name: 'bash', executable: '/usr/bin/bash', user: { id: '1000' }, ...parent } },
    ...extra,
  },
  origin: { file: 't.ndjson', line: 1 },
});

describe('explain --all-versions verdicts', () => {
  it('says which versions match an interactive lsmod, and that v1 never read Defend indices', () => {
    const groups = groupVerdicts(verdictsOf(defend({})));
    expect(versionList(groups.find((g) => g.matched)!.versions)).toBe('v204–v215');
    const v1 = groups.find((g) => g.versions.includes(1))!;
    expect(v1.why).toMatch(/outside auditbeat-\*/);
  });

  it('names the one exclusion that fires, per version that has it', () => {
    const groups = groupVerdicts(verdictsOf(defend({ name: 'newrelic-infra', executable: '/usr/bin/newrelic-infra' })));
    expect(versionList(groups.find((g) => g.matched)!.versions)).toBe('v204, v206–v210');
    const excluded = groups.find((g) => g.versions.includes(211))!;
    expect(excluded.versions).toEqual([211, 212, 213, 214, 215]);
    expect(excluded.why).toBe('excluded by process.parent.name:newrelic-infra (process.parent.name = "newrelic-infra")');
    expect(groups.find((g) => g.versions.includes(205))!.why).toMatch(/^failed process\.parent\.name:\(sudo or bash/);
  });

  it('tells apart a version that does not read the index from one whose query fails', () => {
    const endgame: SourceEvent = { ...defend({}), index: 'endgame-8.12.0-000001' };
    (endgame.source.event as Record<string, unknown>).action = 'exec_event';
    const byVersion = new Map(verdictsOf(endgame).map((v) => [v.version, v]));
    expect(byVersion.get(210)).toMatchObject({ inIndex: true, matched: true });
    expect(byVersion.get(208)!.why).toMatch(/outside logs-endpoint\.events\.\* \(its query matches\)/);
    expect(byVersion.get(215)!.why).toMatch(/outside logs-endpoint\.events\.\* \(and failed event\.action:exec/);
  });
});
