/**
 * Seeded generator of a benchmark corpus: Elastic Defend-like events (~1.8 KB a line; process, network
 * and file events), some Endgame, about 0.1 % rule matches, near misses that share the rule's
 * literals, timestamps only roughly ordered (events arrive with a few seconds of jitter).
 *
 *   tsx test/bench/gen-corpus.ts --events 50000 --seed 1 --out .bench/corpus.ndjson
 *
 * Prints one JSON line of counts on stdout (lines, bytes, rule matches by construction).
 */
import { createWriteStream } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { mulberry32 } from '../kql/json-spelling.js';

export interface CorpusOptions {
  events: number;
  seed: number;
  out: string;
  /** Fraction of lines exported as search hits (`_index`, `_id`, `_source`) instead of bare documents. */
  hitShare?: number;
}

export interface CorpusStats {
  lines: number;
  bytes: number;
  matches: number;
  nearMisses: number;
  endgame: number;
}

const EXCLUDED_PARENTS = ['dkms', 'systemd', 'mkinitramfs', 'dracut', 'plymouth', 'kernel-install'];
const COMMON = [
  ['bash', '/usr/bin/bash', ['bash']],
  ['sshd', '/usr/sbin/sshd', ['sshd', '-D']],
  ['python3', '/usr/bin/python3', ['python3', '/opt/app/worker.py', '--queue', 'default']],
  ['curl', '/usr/bin/curl', ['curl', '-s', 'https://example.com/health']],
  ['cron', '/usr/sbin/cron', ['cron', '-f']],
  ['systemd-journald', '/usr/lib/systemd/systemd-journald', ['systemd-journald']],
  ['node', '/usr/bin/node', ['node', '/srv/api/server.js']],
  ['grep', '/usr/bin/grep', ['grep', '-r', 'ERROR', '/var/log/app']],
  ['ps', '/usr/bin/ps', ['ps', 'aux']],
  ['sleep', '/usr/bin/sleep', ['sleep', '60']],
  ['containerd-shim', '/usr/bin/containerd-shim-runc-v2', ['containerd-shim-runc-v2', '-namespace', 'k8s.io']],
  ['modprobe', '/usr/sbin/modprobe', ['modprobe', '-q', 'nf_conntrack']],
] as const;
const PARENTS = [
  ['bash', '/usr/bin/bash'],
  ['sshd', '/usr/sbin/sshd'],
  ['systemd', '/usr/lib/systemd/systemd'],
  ['cron', '/usr/sbin/cron'],
  ['containerd-shim', '/usr/bin/containerd-shim-runc-v2'],
  ['sudo', '/usr/bin/sudo'],
] as const;

type Rnd = () => number;
const pick = <T>(rnd: Rnd, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
const hex = (rnd: Rnd, n: number): string => {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(rnd() * 16).toString(16);
  return s;
};
const b64 = (rnd: Rnd, n: number): string => {
  const a = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < n; i++) s += a[Math.floor(rnd() * a.length)];
  return `${s}==`;
};

interface Host {
  name: string;
  id: string;
  ip: string;
  os: Record<string, unknown>;
  agentId: string;
}

function makeHosts(rnd: Rnd): Host[] {
  const hosts: Host[] = [];
  for (let i = 0; i < 40; i++) {
    const ubuntu = rnd() < 0.7;
    hosts.push({
      name: `${pick(rnd, ['web', 'db', 'api', 'batch', 'k8s-node'])}-${String(i).padStart(2, '0')}`,
      id: hex(rnd, 32),
      ip: `10.20.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`,
      agentId: `${hex(rnd, 8)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 4)}-${hex(rnd, 12)}`,
      os: ubuntu
        ? { Ext: { variant: 'Ubuntu' }, family: 'ubuntu', full: 'Ubuntu 22.04.4', kernel: '5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024', name: 'Linux', platform: 'ubuntu', type: 'linux', version: '22.04.4' }
        : { Ext: { variant: 'CentOS' }, family: 'redhat', full: 'CentOS Linux 7.9.2009', kernel: '3.10.0-1160.el7.x86_64', name: 'Linux', platform: 'centos', type: 'linux', version: '7.9.2009' },
    });
  }
  return hosts;
}

type Kind = 'match' | 'near' | 'noise';

interface ProcSpec {
  name: string;
  executable: string;
  args: string[];
  parent: readonly [string, string];
  action: string;
  type: string;
}

/** A rule match (kind 'match') or a near miss that carries the same literals but must not match. */
function ruleProcess(rnd: Rnd, kind: 'match' | 'near'): ProcSpec {
  const parent = pick(rnd, PARENTS.filter(([n]) => n !== 'systemd'));
  if (kind === 'match') {
    const r = rnd();
    if (r < 0.4) return { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent, action: 'exec', type: 'start' };
    if (r < 0.6) return { name: 'modinfo', executable: '/usr/sbin/modinfo', args: ['modinfo', 'nf_conntrack'], parent, action: 'exec', type: 'start' };
    if (r < 0.8) return { name: 'kmod', executable: '/usr/bin/kmod', args: ['kmod', 'list'], parent, action: 'exec', type: 'start' };
    return { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', rnd() < 0.5 ? '-a' : '--all'], parent, action: 'exec', type: 'start' };
  }
  const r = rnd();
  const excluded = pick(rnd, EXCLUDED_PARENTS);
  if (r < 0.3) return { name: 'kmod', executable: '/usr/bin/kmod', args: ['kmod', 'static-nodes', '--format=tmpfiles'], parent: [excluded, `/usr/sbin/${excluded}`], action: 'exec', type: 'start' };
  if (r < 0.5) return { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '-A', '5.15.0-105-generic'], parent: [excluded, `/usr/sbin/${excluded}`], action: 'exec', type: 'start' };
  if (r < 0.65) return { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent: [excluded, `/usr/sbin/${excluded}`], action: 'exec', type: 'start' };
  if (r < 0.8) return { name: 'lsmod', executable: '/usr/bin/kmod', args: ['lsmod'], parent, action: 'end', type: 'end' };
  if (r < 0.9) return { name: 'LSMOD', executable: '/usr/bin/LSMOD', args: ['LSMOD'], parent, action: 'exec', type: 'start' };
  return { name: 'depmod', executable: '/usr/sbin/depmod', args: ['depmod', '--all=yes'], parent, action: 'exec', type: 'start' };
}

function noiseProcess(rnd: Rnd): ProcSpec {
  const [name, executable, args] = pick(rnd, COMMON);
  const r = rnd();
  const [action, type] = r < 0.45 ? ['exec', 'start'] : r < 0.7 ? ['fork', 'start'] : ['end', 'end'];
  return { name, executable, args: [...args], parent: pick(rnd, PARENTS), action, type };
}

function iso(ms: number, extraDigits: string): string {
  return new Date(ms).toISOString().replace('Z', `${extraDigits}Z`);
}

function defendProcess(rnd: Rnd, host: Host, t: number, p: ProcSpec): Record<string, unknown> {
  const pid = 1000 + Math.floor(rnd() * 60000);
  const ppid = 1000 + Math.floor(rnd() * 60000);
  const user = pick(rnd, [['1000', 'ubuntu'], ['0', 'root'], ['1001', 'svc-deploy']] as const);
  const ts = iso(t, String(Math.floor(rnd() * 10000)).padStart(4, '0'));
  return {
    '@timestamp': ts,
    agent: { id: host.agentId, type: 'endpoint', version: '8.13.4' },
    data_stream: { dataset: 'endpoint.events.process', namespace: 'default', type: 'logs' },
    ecs: { version: '8.10.0' },
    elastic: { agent: { id: host.agentId } },
    event: {
      action: p.action,
      agent_id_status: 'verified',
      category: ['process'],
      created: ts,
      dataset: 'endpoint.events.process',
      id: b64(rnd, 22),
      ingested: new Date(t + 1000 + Math.floor(rnd() * 5000)).toISOString().replace(/\.\d+Z$/, 'Z'),
      kind: 'event',
      module: 'endpoint',
      sequence: Math.floor(rnd() * 1e6),
      type: [p.type],
    },
    group: { id: user[0], name: user[1] },
    host: { architecture: 'x86_64', hostname: host.name, id: host.id, ip: [host.ip, '127.0.0.1', '::1'], mac: ['52-54-00-12-34-56'], name: host.name, os: host.os },
    message: 'Endpoint process event',
    process: {
      Ext: { ancestry: [b64(rnd, 38), b64(rnd, 38), b64(rnd, 38)] },
      tty: { char_device: { major: 136, minor: Math.floor(rnd() * 8) } },
      interactive: rnd() < 0.3,
      args: p.args,
      args_count: p.args.length,
      command_line: p.args.join(' '),
      entity_id: b64(rnd, 38),
      executable: p.executable,
      hash: { md5: hex(rnd, 32), sha1: hex(rnd, 40), sha256: hex(rnd, 64) },
      name: p.name,
      parent: {
        args: [p.parent[0]],
        args_count: 1,
        command_line: p.parent[0],
        entity_id: b64(rnd, 38),
        executable: p.parent[1],
        name: p.parent[0],
        pid: ppid,
      },
      pid,
      start: ts,
      user: { id: user[0], name: user[1] },
      working_directory: user[1] === 'root' ? '/root' : `/home/${user[1]}`,
    },
    user: { id: user[0], name: user[1] },
  };
}

function defendOther(rnd: Rnd, host: Host, t: number): Record<string, unknown> {
  const ts = iso(t, String(Math.floor(rnd() * 10000)).padStart(4, '0'));
  const network = rnd() < 0.5;
  const proc = pick(rnd, COMMON);
  return {
    '@timestamp': ts,
    agent: { id: host.agentId, type: 'endpoint', version: '8.13.4' },
    data_stream: { dataset: network ? 'endpoint.events.network' : 'endpoint.events.file', namespace: 'default', type: 'logs' },
    ecs: { version: '8.10.0' },
    event: {
      action: network ? pick(rnd, ['connection_attempted', 'disconnect_received']) : pick(rnd, ['creation', 'modification', 'deletion']),
      category: [network ? 'network' : 'file'],
      created: ts,
      dataset: network ? 'endpoint.events.network' : 'endpoint.events.file',
      id: b64(rnd, 22),
      ingested: new Date(t + 1000 + Math.floor(rnd() * 5000)).toISOString().replace(/\.\d+Z$/, 'Z'),
      kind: 'event',
      module: 'endpoint',
      type: [network ? 'start' : 'change'],
    },
    host: { architecture: 'x86_64', hostname: host.name, id: host.id, ip: [host.ip], name: host.name, os: host.os },
    process: { entity_id: b64(rnd, 38), executable: proc[1], name: proc[0], pid: Math.floor(rnd() * 60000) },
    ...(network
      ? {
          destination: { address: `10.0.${Math.floor(rnd() * 255)}.${Math.floor(rnd() * 255)}`, port: pick(rnd, [443, 80, 5432, 6379]) },
          source: { address: host.ip, port: 30000 + Math.floor(rnd() * 30000) },
          network: { direction: 'egress', transport: 'tcp', type: 'ipv4' },
        }
      : {
          file: {
            extension: 'log',
            name: `app-${Math.floor(rnd() * 100)}.log`,
            path: `/var/log/app/app-${Math.floor(rnd() * 100)}.log`,
            size: Math.floor(rnd() * 1e6),
            Ext: { header_bytes: hex(rnd, 32) },
          },
        }),
    user: { id: '0', name: 'root' },
    message: network ? 'Endpoint network event' : 'Endpoint file event',
  };
}

function endgameProcess(rnd: Rnd, host: Host, t: number, p: ProcSpec): Record<string, unknown> {
  const pid = 1000 + Math.floor(rnd() * 60000);
  return {
    '@timestamp': new Date(t).toISOString(),
    agent: { id: host.agentId, type: 'endgame', version: '3.64.0' },
    ecs: { version: '1.9.0' },
    endgame: {
      event_subtype_full: p.action === 'exec' ? 'exec_event' : 'fork_event',
      event_type_full: 'process_event',
      parent_process_name: p.parent[0],
      pid,
      process_name: p.name,
      process_path: p.executable,
      serial_event_id: Math.floor(rnd() * 1e6),
      unique_pid: Math.floor(rnd() * 1e7),
    },
    event: { action: p.action === 'exec' ? 'exec_event' : 'fork_event', category: ['process'], dataset: 'esensor', kind: 'event', module: 'endgame', type: [p.type] },
    host: { hostname: host.name, id: host.id, ip: [host.ip], name: host.name, os: { family: 'redhat', name: 'Linux', platform: 'linux', type: 'linux' } },
    process: {
      args: p.args,
      args_count: p.args.length,
      command_line: p.args.join(' '),
      executable: p.executable,
      name: p.name,
      parent: { executable: p.parent[1], name: p.parent[0], pid: 1000 + Math.floor(rnd() * 60000) },
      pid,
    },
    user: { id: '1001', name: 'svc-deploy' },
  };
}

export async function generateCorpus(opts: CorpusOptions): Promise<CorpusStats> {
  const rnd = mulberry32(opts.seed);
  const hosts = makeHosts(rnd);
  const hitShare = opts.hitShare ?? 0.1;
  mkdirSync(dirname(opts.out), { recursive: true });
  const out = createWriteStream(opts.out);
  const stats: CorpusStats = { lines: 0, bytes: 0, matches: 0, nearMisses: 0, endgame: 0 };
  const start = Date.parse('2024-05-14T00:00:00Z');
  // About one event every 80 ms per corpus, with up to 3.5 s of arrival jitter.
  const step = 80;
  let chunk: string[] = [];
  for (let i = 0; i < opts.events; i++) {
    const t = start + i * step + Math.floor((rnd() - 0.5) * 7000);
    const host = pick(rnd, hosts);
    const r = rnd();
    const kind: Kind = r < 0.001 ? 'match' : r < 0.006 ? 'near' : 'noise';
    const endgame = rnd() < 0.05;
    let doc: Record<string, unknown>;
    if (kind !== 'noise') {
      const p = ruleProcess(rnd, kind);
      doc = endgame ? endgameProcess(rnd, host, t, p) : defendProcess(rnd, host, t, p);
      if (kind === 'match') stats.matches++;
      else stats.nearMisses++;
    } else if (endgame) {
      doc = endgameProcess(rnd, host, t, noiseProcess(rnd));
    } else {
      doc = rnd() < 0.7 ? defendProcess(rnd, host, t, noiseProcess(rnd)) : defendOther(rnd, host, t);
    }
    if (endgame) stats.endgame++;
    const line =
      rnd() < hitShare
        ? JSON.stringify({ _index: endgame ? 'endgame-2024.05.14' : `.ds-logs-endpoint.events.process-default-2024.05.14-000001`, _id: b64(rnd, 18), _source: doc })
        : JSON.stringify(doc);
    chunk.push(line);
    stats.lines++;
    stats.bytes += Buffer.byteLength(line) + 1;
    if (chunk.length === 2000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((res) => out.once('drain', () => res()));
      chunk = [];
    }
  }
  if (chunk.length > 0) out.write(`${chunk.join('\n')}\n`);
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return stats;
}

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/.*\//, ''))) {
  const args = process.argv.slice(2);
  const stats = await generateCorpus({
    events: Number(argValue(args, '--events') ?? 50000),
    seed: Number(argValue(args, '--seed') ?? 1),
    out: argValue(args, '--out') ?? '.bench/corpus.ndjson',
  });
  process.stdout.write(`${JSON.stringify(stats)}\n`);
}
