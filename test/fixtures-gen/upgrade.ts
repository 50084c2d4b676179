/**
 * Writes fixtures/upgrade/events.ndjson: twelve days of events chosen so that upgrading the rule from
 * v210 to v215 (`compare --versions 210,215`) shows every kind of difference with its reason:
 *
 * - lost, exclusion now fires: parents newrelic-infra (v211), a dpkg linux-modules postinst (v211),
 *   an rpm scriptlet in /var/tmp (v214, parent args), a Qualys agent session (v214, entry leader);
 * - lost, index no longer covers the event: an Endgame search hit on `endgame-*` (dropped in v214);
 * - lost, clause no longer holds: a bare Endgame doc (`exec_event`, dropped from event.action in v214);
 * - lost, value no longer new: /usr/bin/kmod under a second parent a day later (v214 keys on
 *   process.executable alone);
 * - gained, new again under the shorter window: depmod from the same cron shell 7 days apart (v214's
 *   5-day history no longer reaches the first);
 * - gained, no value for a field v210 needs: modinfo whose parent executable is missing (v210 keys on
 *   it, v215 does not);
 * - plus events both versions alert on or both ignore (the first lsmod, excluded parents, noise).
 *
 * Seeded; run `npx tsx test/fixtures-gen/upgrade.ts` to regenerate the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { backingIndex, defendOther, defendProcess, docId, endgameProcess, makeHosts, rng, type Host, type ProcSpec, type User } from './builders.js';

const r = rng(215_2026);
const hosts = makeHosts(r);
const [web1, web2, build7, k8s3] = hosts.defend as [Host, Host, Host, Host];
const [db2, legacy1] = hosts.endgame as [Host, Host];
const START = Date.UTC(2025, 5, 2, 0, 0, 0);
const DAY = 86_400_000;
const at = (day: number): number => START + Math.round(day * DAY);

const ROOT: User = { id: '0', name: 'root' };
const ALICE: User = { id: '1001', name: 'alice' };
const BASH = { name: 'bash', executable: '/usr/bin/bash', args: ['-bash'] };
const CRON_SH = { name: 'sh', executable: '/usr/bin/dash', args: ['/bin/sh', '-c', 'depmod -a'] };

interface Row {
  ms: number;
  line: string;
}
const rows: Row[] = [];

function hit(stream: string, ms: number, source: Record<string, unknown>): void {
  rows.push({ ms, line: JSON.stringify({ _index: backingIndex(stream, ms, 1), _id: docId(r), _score: null, _source: source }) });
}
function defend(host: Host, user: User, ms: number, p: ProcSpec, edit?: (s: Record<string, unknown>) => void): void {
  const source = defendProcess(r, host, user, ms, p);
  edit?.(source);
  hit('logs-endpoint.events.process-default', ms, source);
}
const proc = (s: Record<string, unknown>): Record<string, unknown> => s['process'] as Record<string, unknown>;

// --- both versions alert: the first time each executable is seen ----------------------------------
defend(web1, ALICE, at(0.1), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH });
defend(build7, ROOT, at(0.5), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a'], parent: CRON_SH, entryMeta: 'init' });
// Repeats of the same pair: neither version alerts again.
defend(web1, ALICE, at(0.6), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH });

// --- lost: value no longer new (v210 pairs kmod with a new parent; v215 has seen kmod) -------------
defend(web2, ROOT, at(1.5), {
  name: 'kmod',
  executable: '/usr/bin/kmod',
  args: ['kmod', 'list'],
  parent: { name: 'python3', executable: '/usr/bin/python3.10', args: ['/usr/bin/python3', '/opt/monitor/kmod_check.py'] },
  entryMeta: 'init',
});

// --- lost: exclusions added in v211 and v214 fire ---------------------------------------------------
defend(web2, ROOT, at(2), {
  name: 'modinfo',
  executable: '/usr/sbin/modinfo',
  args: ['modinfo', '-F', 'version', 'nvme'],
  parent: { name: 'newrelic-infra', executable: '/usr/bin/newrelic-infra', args: ['/usr/bin/newrelic-infra', '-config', '/etc/newrelic-infra.yml'] },
  entryMeta: 'init',
});
defend(build7, ROOT, at(3), {
  name: 'depmod',
  executable: '/usr/sbin/depmod',
  args: ['depmod', '-a', '6.8.0-35-generic'],
  parent: { name: 'linux-modules-6', executable: '/var/lib/dpkg/info/linux-modules-6.8.0-35-generic.postinst', args: ['/var/lib/dpkg/info/linux-modules-6.8.0-35-generic.postinst', 'configure'] },
  entryMeta: 'init',
});
defend(k8s3, ROOT, at(4), {
  name: 'depmod',
  executable: '/usr/sbin/depmod',
  args: ['depmod', '-a', '5.14.0-427.13.1.el9_4.x86_64'],
  parent: { name: 'sh', executable: '/usr/bin/bash', args: ['/bin/sh', '/var/tmp/rpm-tmp.Hk2x1q', '1'] },
  entryMeta: 'init',
});
defend(
  web1,
  ROOT,
  at(4.5),
  { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: { name: 'sh', executable: '/usr/bin/dash', args: ['/bin/sh', '-c', 'lsmod'] }, entryMeta: 'init' },
  (s) => {
    const leader = proc(s)['entry_leader'] as Record<string, unknown>;
    Object.assign(leader, { executable: '/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent', name: 'qualys-cloud-agent', args: ['/usr/local/qualys/cloud-agent/bin/qualys-cloud-agent'] });
  },
);

// --- lost: Endgame, as a search hit on endgame-* (index) and as a bare doc (exec_event clause) -------
rows.push({
  ms: at(5),
  line: JSON.stringify({ _index: 'endgame-8.12.0-000001', _id: docId(r), _score: null, _source: endgameProcess(r, db2, ROOT, at(5), { name: 'modinfo', executable: '/sbin/modinfo', args: ['modinfo', 'ext4'], parent: { name: 'bash', executable: '/bin/bash', args: ['-bash'] } }) }),
});
rows.push({ ms: at(5.5), line: JSON.stringify(endgameProcess(r, legacy1, ROOT, at(5.5), { name: 'lsmod', executable: '/sbin/lsmod', args: ['lsmod'], parent: { name: 'bash', executable: '/bin/bash', args: ['-bash'] } })) });

// --- gained: the cron shell's depmod a week later is new again under the 5-day history ---------------
defend(build7, ROOT, at(7.5), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a'], parent: CRON_SH, entryMeta: 'init' });

// --- gained: modinfo whose parent had exited (no process.parent.executable), v210's second field -----
defend(web2, ALICE, at(9), { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'i915'], parent: BASH }, (s) => {
  delete (proc(s)['parent'] as Record<string, unknown>)['executable'];
});

// --- both ignore: excluded parents in every version, near misses, noise --------------------------------
defend(build7, ROOT, at(6), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: { name: 'dracut', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/bin/dracut', '-f'] }, entryMeta: 'init' });
defend(web1, ROOT, at(8), { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'i915'], parent: { name: 'systemd', executable: '/usr/lib/systemd/systemd', args: ['/sbin/init'] }, entryMeta: 'init' });
defend(web1, ALICE, at(8.2), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH, action: 'end', type: 'end' });
defend(build7, ALICE, at(10), { name: 'modprobe', executable: '/usr/bin/kmod', args: ['modprobe', '--show-depends', 'nvme'], parent: BASH });
for (let d = 0.05; d < 12; d += 0.37) {
  const h = [web1, web2, build7, k8s3][Math.floor(r() * 4)]!;
  const ms = at(d);
  if (r() < 0.5) hit('logs-endpoint.events.network-default', ms, defendOther(r, h, ROOT, ms, 'network'));
  else hit('logs-endpoint.events.file-default', ms, defendOther(r, h, ALICE, ms, 'file'));
}

rows.sort((a, b) => a.ms - b.ms);
const out = fileURLToPath(new URL('../../fixtures/upgrade/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}events.ndjson`, `${rows.map((x) => x.line).join('\n')}\n`);
process.stdout.write(`${rows.length} lines written to fixtures/upgrade/events.ndjson\n`);
