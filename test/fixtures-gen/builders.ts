/**
 * Deterministic builders for realistic ECS events (Elastic Defend and Endgame process events; the
 * Defend field set is elastic/endpoint-package package/endpoint/data_stream/process/fields/fields.yml).
 * Shared by the fixture generators.
 */

/** mulberry32: a tiny seeded PRNG, so regenerating the fixtures gives the same bytes. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;

export function pick<T>(r: Rand, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export function int(r: Rand, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export function token(r: Rand, n: number, alphabet = B64): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(r() * alphabet.length)];
  return s;
}

export function hex(r: Rand, n: number): string {
  return token(r, n, '0123456789abcdef');
}

/** RFC 3339 with `digits` fractional digits (Defend writes 7–9), from epoch ms plus sub-ms noise. */
export function isoWithDigits(ms: number, digits: number, r: Rand): string {
  const base = new Date(ms).toISOString(); // …T09:21:07.441Z
  const frac = base.slice(20, 23) + String(int(r, 0, 999999)).padStart(6, '0');
  return `${base.slice(0, 19)}.${frac.slice(0, digits)}Z`;
}

export interface Host {
  name: string;
  id: string;
  ip: string[];
  mac: string;
  os: Record<string, unknown>;
  agentId: string;
  agentVersion: string;
}

export interface User {
  id: string;
  name: string;
}

export interface ProcSpec {
  name: string;
  executable: string;
  args: string[];
  parent: { name: string; executable: string; args: string[] };
  /** Default exec/start. */
  action?: string;
  type?: string;
  entryMeta?: 'sshd' | 'init' | 'terminal';
}

const UBUNTU_OS = (version: string, kernel: string): Record<string, unknown> => ({
  Ext: { variant: 'Ubuntu' },
  family: 'ubuntu',
  full: `Ubuntu ${version}`,
  kernel,
  name: 'Linux',
  platform: 'ubuntu',
  type: 'linux',
  version,
});

export function makeHosts(r: Rand): { defend: Host[]; endgame: Host[]; windows: Host } {
  const mk = (name: string, ip: string, os: Record<string, unknown>, agentVersion: string): Host => ({
    name,
    id: hex(r, 32),
    ip: ['127.0.0.1', '::1', ip],
    mac: `52-54-00-${hex(r, 2)}-${hex(r, 2)}-${hex(r, 2)}`.toUpperCase(),
    os,
    agentId: `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-${hex(r, 4)}-${hex(r, 12)}`,
    agentVersion,
  });
  return {
    defend: [
      mk('web-01', '10.20.30.41', UBUNTU_OS('22.04.4', '5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024'), '8.13.4'),
      mk('web-02', '10.20.30.42', UBUNTU_OS('22.04.4', '5.15.0-105-generic #115-Ubuntu SMP Mon Apr 15 09:52:04 UTC 2024'), '8.13.4'),
      mk('build-07', '10.20.31.7', UBUNTU_OS('24.04', '6.8.0-31-generic #31-Ubuntu SMP PREEMPT_DYNAMIC Sat Apr 20 00:40:06 UTC 2024'), '8.13.4'),
      mk('k8s-node-3', '10.20.33.3', {
        family: 'rhel',
        full: 'Red Hat Enterprise Linux 9.3',
        kernel: '5.14.0-362.24.1.el9_3.x86_64',
        name: 'Linux',
        platform: 'rhel',
        type: 'linux',
        version: '9.3',
      }, '8.12.2'),
    ],
    endgame: [
      mk('db-02', '10.20.32.12', { family: 'redhat', full: 'CentOS Linux 7.9.2009', name: 'Linux', platform: 'linux', type: 'linux', version: '7.9.2009' }, '3.64.0'),
      mk('legacy-app-1', '10.20.32.40', { family: 'redhat', full: 'CentOS Linux 7.9.2009', name: 'Linux', platform: 'linux', type: 'linux', version: '7.9.2009' }, '3.64.0'),
    ],
    windows: mk('WIN-FS-01', '10.20.40.5', { family: 'windows', full: 'Windows Server 2022 Datacenter 21H2 (10.0.20348.2402)', name: 'Windows', platform: 'windows', type: 'windows', version: '21H2' }, '8.13.4'),
  };
}

function entityId(r: Rand): string {
  return Buffer.from(`${hex(r, 8)}-${int(r, 1000, 99999)}-${int(r, 1_700_000_000, 1_720_000_000)}.${int(r, 0, 99)}`).toString('base64');
}

/** An Elastic Defend Linux process event `_source`. */
export function defendProcess(r: Rand, host: Host, user: User, ms: number, p: ProcSpec): Record<string, unknown> {
  const ts = isoWithDigits(ms, int(r, 7, 9), r);
  const ingested = new Date(ms + int(r, 2000, 9000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const pid = int(r, 2000, 400000);
  const ppid = int(r, 1000, pid);
  const parentEntity = entityId(r);
  const meta = p.entryMeta ?? 'sshd';
  const leader =
    meta === 'init'
      ? { args: ['/sbin/init'], executable: '/usr/lib/systemd/systemd', name: 'systemd', pid: 1, user: { id: '0', name: 'root' }, entry_meta: { type: 'init' } }
      : { args: ['-bash'], executable: '/usr/bin/bash', name: 'bash', pid: ppid, user, entry_meta: meta === 'sshd' ? { source: { ip: `198.51.100.${int(r, 2, 250)}` }, type: 'sshd' } : { type: 'terminal' } };
  return {
    '@timestamp': ts,
    agent: { id: host.agentId, type: 'endpoint', version: host.agentVersion },
    data_stream: { dataset: 'endpoint.events.process', namespace: 'default', type: 'logs' },
    ecs: { version: '8.10.0' },
    elastic: { agent: { id: host.agentId } },
    event: {
      action: p.action ?? 'exec',
      agent_id_status: 'verified',
      category: ['process'],
      created: ts,
      dataset: 'endpoint.events.process',
      id: `${token(r, 12)}+++++${token(r, 3)}`,
      ingested,
      kind: 'event',
      module: 'endpoint',
      sequence: int(r, 1000, 2_000_000),
      type: [p.type ?? 'start'],
    },
    group: { id: user.id, name: user.name },
    host: { architecture: 'x86_64', hostname: host.name, id: host.id, ip: host.ip, mac: [host.mac], name: host.name, os: host.os },
    message: 'Endpoint process event',
    process: {
      Ext: { ancestry: [parentEntity, entityId(r)] },
      args: p.args,
      args_count: p.args.length,
      command_line: p.args.join(' '),
      entity_id: entityId(r),
      entry_leader: { ...leader, args_count: leader.args.length, entity_id: entityId(r), interactive: meta !== 'init', same_as_process: false, working_directory: meta === 'init' ? '/' : `/home/${user.name}` },
      executable: p.executable,
      group: { id: user.id, name: user.name },
      interactive: meta !== 'init',
      name: p.name,
      parent: {
        args: p.parent.args,
        args_count: p.parent.args.length,
        command_line: p.parent.args.join(' '),
        entity_id: parentEntity,
        executable: p.parent.executable,
        interactive: meta !== 'init',
        name: p.parent.name,
        pid: ppid,
        user,
      },
      pid,
      user,
      working_directory: meta === 'init' ? '/' : `/home/${user.name}`,
    },
    user,
  };
}

/** An Endgame process event: `exec_event`, no `event.ingested`. */
export function endgameProcess(r: Rand, host: Host, user: User, ms: number, p: ProcSpec): Record<string, unknown> {
  const pid = int(r, 2000, 60000);
  const ppid = int(r, 1000, pid);
  const action = p.action ?? 'exec_event';
  return {
    '@timestamp': new Date(ms).toISOString(),
    agent: { id: host.agentId, type: 'endgame', version: host.agentVersion },
    ecs: { version: '1.9.0' },
    endgame: {
      event_subtype_full: action,
      event_type_full: 'process_event',
      parent_process_name: p.parent.name,
      pid,
      ppid,
      process_name: p.name,
      process_path: p.executable,
      serial_event_id: int(r, 10000, 999999),
      unique_pid: int(r, 1_000_000, 9_999_999),
      unique_ppid: int(r, 1_000_000, 9_999_999),
    },
    event: { action, category: ['process'], dataset: 'esensor', kind: 'event', module: 'endgame', type: [p.type ?? 'start'] },
    host: { hostname: host.name, id: host.id, ip: [host.ip[2]], name: host.name, os: host.os },
    process: {
      args: p.args,
      args_count: p.args.length,
      command_line: p.args.join(' '),
      executable: p.executable,
      name: p.name,
      parent: { args: p.parent.args, args_count: p.parent.args.length, command_line: p.parent.args.join(' '), executable: p.parent.executable, name: p.parent.name, pid: ppid },
      pid,
    },
    user: { ...user, domain: host.name },
  };
}

/** Defend network or file event `_source` (non-process noise). */
export function defendOther(r: Rand, host: Host, user: User, ms: number, kind: 'network' | 'file'): Record<string, unknown> {
  const ts = isoWithDigits(ms, int(r, 7, 9), r);
  const common = {
    '@timestamp': ts,
    agent: { id: host.agentId, type: 'endpoint', version: host.agentVersion },
    data_stream: { dataset: `endpoint.events.${kind}`, namespace: 'default', type: 'logs' },
    ecs: { version: '8.10.0' },
    host: { hostname: host.name, id: host.id, name: host.name, os: host.os },
    user,
  };
  if (kind === 'network') {
    return {
      ...common,
      event: { action: pick(r, ['connection_attempted', 'connection_accepted', 'disconnect_received']), category: ['network'], type: ['start'], dataset: 'endpoint.events.network', module: 'endpoint', kind: 'event', created: ts, ingested: new Date(ms + 3000).toISOString() },
      destination: { address: `10.20.${int(r, 0, 50)}.${int(r, 1, 250)}`, port: pick(r, [443, 5432, 9200, 22]) },
      source: { address: host.ip[2], port: int(r, 32768, 60999) },
      network: { direction: 'egress', transport: 'tcp', type: 'ipv4' },
      process: { name: pick(r, ['curl', 'python3', 'postgres', 'sshd']), pid: int(r, 1000, 90000) },
      message: 'Endpoint network event',
    };
  }
  return {
    ...common,
    event: { action: pick(r, ['creation', 'modification', 'deletion']), category: ['file'], type: ['change'], dataset: 'endpoint.events.file', module: 'endpoint', kind: 'event', created: ts, ingested: new Date(ms + 4000).toISOString() },
    file: { path: `/var/log/${pick(r, ['syslog', 'auth.log', 'nginx/access.log', 'kern.log'])}`, extension: 'log' },
    process: { name: pick(r, ['rsyslogd', 'nginx', 'logrotate']), pid: int(r, 300, 9000) },
    message: 'Endpoint file event',
  };
}

/** `.ds-<stream>-<rollover date>-<generation>`: rolled over a day or two before the event. */
export function backingIndex(stream: string, ms: number, generation: number): string {
  const d = new Date(ms - 36 * 3600 * 1000);
  const ymd = `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
  return `.ds-${stream}-${ymd}-${String(generation).padStart(6, '0')}`;
}

/** An Elasticsearch `_id` as auto-generated ids look (20 URL-safe base64 characters). */
export function docId(r: Rand): string {
  return token(r, 20, `${B64}-_`);
}
