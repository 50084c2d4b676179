/**
 * Writes fixtures/demo/events.ndjson: a few hundred realistic events over three days, seeded so the
 * file is reproducible. Run: `npx tsx test/fixtures-gen/demo.ts`.
 *
 * Content (see the README's first command): Elastic Defend events as search hits on real-looking
 * backing indices, bare Endgame docs, true positives, excluded parents, near misses, repeats of the
 * same executable/parent pair, non-process noise, Windows events, events outside the rule's indices,
 * and a few malformed lines.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  backingIndex,
  defendOther,
  defendProcess,
  docId,
  endgameProcess,
  int,
  makeHosts,
  pick,
  rng,
  type Host,
  type ProcSpec,
  type User,
} from './builders.js';

const r = rng(210_2024);
const hosts = makeHosts(r);
const [web1, web2, build7, k8s3] = hosts.defend as [Host, Host, Host, Host];
const [db2, legacy1] = hosts.endgame as [Host, Host];
const START = Date.UTC(2024, 4, 12, 0, 0, 0);
const SPAN = 3 * 24 * 3600 * 1000;

const ROOT: User = { id: '0', name: 'root' };
const UBUNTU: User = { id: '1000', name: 'ubuntu' };
const ALICE: User = { id: '1001', name: 'alice' };
const DEPLOY: User = { id: '1002', name: 'deploy' };

const BASH = { name: 'bash', executable: '/usr/bin/bash', args: ['-bash'] };
const SH_CRON = { name: 'sh', executable: '/usr/bin/dash', args: ['/bin/sh', '-c', 'depmod -a'] };
const SSHD = { name: 'sshd', executable: '/usr/sbin/sshd', args: ['sshd: deploy@notty'] };
const PY_MONITOR = { name: 'python3', executable: '/usr/bin/python3.10', args: ['/usr/bin/python3', '/opt/monitor/kmod_check.py'] };
const ANSIBLE = { name: 'python3', executable: '/usr/bin/python3.9', args: ['/usr/bin/python3', '/root/.ansible/tmp/ansible-tmp-1715600000.1-4242-1/AnsiballZ_setup.py'] };
const DKMS = { name: 'dkms', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/sbin/dkms', 'autoinstall', '--kernelver', '6.8.0-31-generic'] };

interface Row {
  ms: number;
  line: string;
}
const rows: Row[] = [];
let generation = 1;

function at(dayFrac: number): number {
  return START + Math.floor(dayFrac * SPAN);
}
function anytime(): number {
  return START + Math.floor(r() * SPAN);
}

function hit(stream: string, ms: number, source: Record<string, unknown>): void {
  const gen = stream.includes('process') ? generation : 1;
  rows.push({ ms, line: JSON.stringify({ _index: backingIndex(stream, ms, gen), _id: docId(r), _score: null, _source: source }) });
}
function defend(host: Host, user: User, ms: number, p: ProcSpec): void {
  hit('logs-endpoint.events.process-default', ms, defendProcess(r, host, user, ms, p));
}
function endgame(host: Host, user: User, ms: number, p: ProcSpec): void {
  rows.push({ ms, line: JSON.stringify(endgameProcess(r, host, user, ms, p)) });
}

// --- true positives -----------------------------------------------------------------------------
// Interactive lsmod over SSH (the sample's case); kmod is the resolved binary behind the symlink.
for (const d of [0.05, 0.41, 0.77]) defend(web1, UBUNTU, at(d), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH });
// A monitoring script running modinfo every few hours: one executable/parent pair, many events.
for (let h = 0; h < 9; h++) {
  defend(web2, ROOT, START + h * 8 * 3600 * 1000 + 120_000, { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'nf_conntrack'], parent: PY_MONITOR, entryMeta: 'init' });
}
defend(build7, ALICE, at(0.33), { name: 'kmod', executable: '/usr/bin/kmod', args: ['kmod', 'list'], parent: BASH, entryMeta: 'terminal' });
defend(k8s3, ROOT, at(0.5), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a'], parent: SH_CRON, entryMeta: 'init' });
defend(k8s3, ROOT, at(0.84), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a'], parent: SH_CRON, entryMeta: 'init' });
defend(web2, DEPLOY, at(0.62), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '--all'], parent: SSHD });
defend(k8s3, ROOT, at(0.21), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: ANSIBLE, entryMeta: 'sshd' });
defend(k8s3, ROOT, at(0.71), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: ANSIBLE, entryMeta: 'sshd' });

// --- excluded parents -----------------------------------------------------------------------------
for (const d of [0.12, 0.13]) defend(build7, ROOT, at(d), { name: 'depmod', executable: '/usr/bin/kmod', args: ['depmod', '-a', '6.8.0-31-generic'], parent: DKMS, entryMeta: 'init' });
defend(build7, ROOT, at(0.135), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a', '-F', '/boot/System.map-6.8.0-31-generic', '6.8.0-31-generic'], parent: { name: 'mkinitramfs', executable: '/usr/bin/dash', args: ['/bin/sh', '/usr/sbin/mkinitramfs', '-o', '/boot/initrd.img-6.8.0-31-generic.new', '6.8.0-31-generic'] }, entryMeta: 'init' });
defend(k8s3, ROOT, at(0.3), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: { name: 'dracut', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/bin/dracut', '-f'] }, entryMeta: 'init' });
defend(k8s3, ROOT, at(0.31), { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', '-k', '5.14.0-362.24.1.el9_3.x86_64', 'xfs'], parent: { name: 'weak-modules', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/sbin/weak-modules', '--add-kernel'] }, entryMeta: 'init' });
for (const h of [web1, web2]) defend(h, ROOT, at(0.02), { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', '-F', 'firmware', 'i915'], parent: { name: 'systemd', executable: '/usr/lib/systemd/systemd', args: ['/sbin/init', 'splash'] }, entryMeta: 'init' });
defend(build7, ROOT, at(0.136), { name: 'kmod', executable: '/usr/bin/kmod', args: ['kmod', 'list'], parent: { name: 'kernel-install', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/bin/kernel-install', 'add', '6.8.0-31-generic'] }, entryMeta: 'init' });
defend(web1, ROOT, at(0.9), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: { name: 'plymouth', executable: '/usr/bin/plymouth', args: ['/bin/plymouth', '--ping'] }, entryMeta: 'init' });

// --- near misses ----------------------------------------------------------------------------------
defend(web1, UBUNTU, at(0.45), { name: 'LSMOD', executable: '/home/ubuntu/bin/LSMOD', args: ['LSMOD'], parent: BASH });
defend(build7, ROOT, at(0.55), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-A'], parent: BASH });
for (const h of [web1, web2, build7]) {
  defend(h, ROOT, at(0.001 + r() * 0.01), { name: 'kmod', executable: '/usr/bin/kmod', args: ['kmod', 'static-nodes', '--format=tmpfiles', '--output=/run/tmpfiles.d/static-nodes.conf'], parent: { name: 'systemd', executable: '/usr/lib/systemd/systemd', args: ['/sbin/init'] }, entryMeta: 'init' });
}
defend(web1, UBUNTU, at(0.4101), { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH, action: 'end', type: 'end' });
defend(web1, UBUNTU, at(0.4099), { name: 'bash', executable: '/usr/bin/bash', args: ['-bash'], parent: BASH, action: 'fork', type: 'start' });
// The sensor reported the resolved binary: the rule's own blind spot, not a match.
defend(build7, ALICE, at(0.66), { name: 'kmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: BASH, entryMeta: 'terminal' });
defend(web2, DEPLOY, at(0.7), { name: 'modprobe', executable: '/usr/sbin/modprobe', args: ['modprobe', '--show-depends', 'nf_conntrack'], parent: SSHD });
// Matches the query but sits outside the rule's index patterns (an Auditbeat data stream).
hit('auditbeat-8.13.4', at(0.47), { ...defendProcess(r, web1, UBUNTU, at(0.47), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: BASH }), agent: { type: 'auditbeat', version: '8.13.4' } });

// --- Endgame ------------------------------------------------------------------------------------------
endgame(db2, ROOT, at(0.18), { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'nf_conntrack'], parent: BASH });
for (const d of [0.25, 0.58, 0.93]) endgame(legacy1, DEPLOY, at(d), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: BASH });
endgame(db2, ROOT, at(0.14), { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-a', '3.10.0-1160.118.1.el7.x86_64'], parent: { name: 'dkms', executable: '/usr/bin/bash', args: ['/bin/bash', '/usr/sbin/dkms', 'autoinstall'] } });
endgame(legacy1, DEPLOY, at(0.2501), { name: 'lsmod', executable: '/usr/sbin/lsmod', args: ['lsmod'], parent: BASH, action: 'fork_event' });
for (let i = 0; i < 14; i++) {
  const cmd = pick(r, [['ps', '-ef'], ['df', '-h'], ['uptime'], ['cat', '/proc/meminfo'], ['java', '-jar', '/opt/app/app.jar']]);
  endgame(pick(r, [db2, legacy1]), pick(r, [ROOT, DEPLOY]), anytime(), { name: cmd[0]!, executable: `/usr/bin/${cmd[0]}`, args: cmd, parent: BASH });
}

// --- noise ----------------------------------------------------------------------------------------
const NOISE: string[][] = [
  ['ls', '--color=auto', '-la'], ['grep', '-r', 'error', '/var/log/nginx'], ['cat', '/etc/os-release'], ['ps', 'aux'],
  ['systemctl', 'status', 'nginx'], ['curl', '-s', 'http://127.0.0.1:8080/health'], ['git', 'pull', '--ff-only'],
  ['make', '-j4'], ['gcc', '-O2', '-c', 'main.c'], ['sudo', 'apt-get', 'update'], ['ssh', 'deploy@10.20.30.42'],
  ['python3', 'manage.py', 'migrate'], ['tar', '-czf', '/tmp/backup.tgz', '/etc'], ['uname', '-r'], ['journalctl', '-u', 'kubelet', '-n', '50'],
];
const NOISE_PARENTS = [BASH, SSHD, { name: 'cron', executable: '/usr/sbin/cron', args: ['/usr/sbin/cron', '-f', '-P'] }, { name: 'systemd', executable: '/usr/lib/systemd/systemd', args: ['/sbin/init'] }];
for (let i = 0; i < 150; i++) {
  const args = pick(r, NOISE);
  const host = pick(r, hosts.defend);
  const name = args[0]!;
  defend(host, pick(r, [ROOT, UBUNTU, ALICE, DEPLOY]), anytime(), { name, executable: `/usr/bin/${name}`, args, parent: pick(r, NOISE_PARENTS), action: r() < 0.2 ? 'fork' : 'exec' });
  if (i % 50 === 49) generation++;
}
for (let i = 0; i < 30; i++) {
  const ms = anytime();
  hit('logs-endpoint.events.network-default', ms, defendOther(r, pick(r, hosts.defend), pick(r, [ROOT, UBUNTU]), ms, 'network'));
}
for (let i = 0; i < 25; i++) {
  const ms = anytime();
  hit('logs-endpoint.events.file-default', ms, defendOther(r, pick(r, hosts.defend), ROOT, ms, 'file'));
}
// Windows: Defend process events (in scope, but host.os.type windows) and Sysmon (out of scope).
const WIN_USER: User = { id: 'S-1-5-21-3623811015-3361044348-30300820-1013', name: 'svc-backup' };
for (let i = 0; i < 10; i++) {
  const ms = anytime();
  const exe = pick(r, ['C:\\Windows\\System32\\driverquery.exe', 'C:\\Windows\\System32\\svchost.exe', 'C:\\Program Files\\Backup\\agent.exe']);
  const name = exe.split('\\').pop()!;
  const src = defendProcess(r, hosts.windows, WIN_USER, ms, { name, executable: exe, args: [exe, '/v'], parent: { name: 'services.exe', executable: 'C:\\Windows\\System32\\services.exe', args: ['C:\\Windows\\system32\\services.exe'] }, action: 'start' });
  hit('logs-endpoint.events.process-default', ms, src);
}
for (let i = 0; i < 8; i++) {
  const ms = anytime();
  hit('logs-windows.sysmon_operational-default', ms, {
    '@timestamp': new Date(ms).toISOString(),
    event: { action: 'Process Create (rule: ProcessCreate)', category: ['process'], type: ['start'], code: '1', module: 'sysmon', kind: 'event', ingested: new Date(ms + int(r, 1000, 5000)).toISOString() },
    host: { name: hosts.windows.name, os: hosts.windows.os },
    process: { name: 'driverquery.exe', executable: 'C:\\Windows\\System32\\driverquery.exe', args: ['driverquery', '/v'], parent: { name: 'cmd.exe' } },
    winlog: { channel: 'Microsoft-Windows-Sysmon/Operational', event_id: 1, provider_name: 'Microsoft-Windows-Sysmon' },
  });
}

// --- output -----------------------------------------------------------------------------------------
rows.sort((a, b) => a.ms - b.ms);
const lines = rows.map((x) => x.line);
const truncatedSource = lines[61]!;
lines.splice(60, 0, truncatedSource.slice(0, Math.floor(truncatedSource.length / 2))); // export cut mid-line
lines.splice(140, 0, ''); // a blank line
lines.splice(150, 0, '["lsmod","-a"]'); // valid JSON, not an object
lines.splice(230, 0, '# --- scroll 3 of 5 resumed after timeout ---'); // stray text

const out = fileURLToPath(new URL('../../fixtures/demo/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}events.ndjson`, `${lines.join('\n')}\n`);
process.stderr.write(`wrote ${lines.length} lines to ${out}events.ndjson\n`);
