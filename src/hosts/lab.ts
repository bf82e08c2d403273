// `sndsbench lab up | down | status`: real hosts on 127.0.0.1 only. Two S3 servers (source, target) of
// one implementation (versitygw, SeaweedFS or rclone's serve s3), Azurite (an Azure Blob source),
// toxiproxy in front of the target, and an HAProxy front whose backend is switched between source and
// target through its runtime API. The target and the front speak TLS, with certificates of a lab CA.
// HAProxy also serves a lagging front: writes to the source, reads shared between the source and the
// target, which trails the source by what a replication (`sndsbench replicate`) has not copied yet.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { findTool, projectPath, tool } from '../util/paths.js';
import { labTls, type LabTls } from './tls.js';
import { azureRequest, rawRequest, s3Request } from './s3node.js';
import { writeAtomic } from '../util/files.js';
import { loadLabCredentials, loadProfile } from './profile.js';
import { routeToSource } from './haproxy.js';
import { clearToxics, setProxyEnabled } from './toxics.js';
import { capsConfig, describeCaps, labCaps, type LabCaps } from './caps.js';
import type { Limits } from './limits.js';

export const LAB = projectPath('.lab');
export const BUCKET = 'snds';

export interface Ports {
  source: number;
  target: number;
  targetProxy: number;
  front: number;
  azurite: number;
  toxiproxy: number;
  /** HAProxy's second front, with a provider's request caps (lab up --caps). */
  capped: number;
  /** HAProxy's lagging front: writes to the source, reads shared with the target (consistency tests). */
  lagging: number;
}

/** The lab's first port: --base-port, else SNDSBENCH_LAB_BASE_PORT, else 17070. */
export const DEFAULT_BASE_PORT = Number(process.env.SNDSBENCH_LAB_BASE_PORT || 17070);

export function portsFrom(base: number): Ports {
  return {
    source: base,
    target: base + 1,
    targetProxy: base + 2,
    front: base + 3,
    azurite: base + 4,
    toxiproxy: base + 5,
    capped: base + 6,
    lagging: base + 7,
  };
}

export const S3_IMPLEMENTATIONS = ['versitygw', 'seaweedfs', 'rclone'] as const;
export type S3Implementation = (typeof S3_IMPLEMENTATIONS)[number];

const CREDENTIALS = {
  source: ['SNDSBENCH_LOCAL_SOURCE_ACCESS_KEY', 'SNDSBENCH_LOCAL_SOURCE_SECRET_KEY'],
  target: ['SNDSBENCH_LOCAL_TARGET_ACCESS_KEY', 'SNDSBENCH_LOCAL_TARGET_SECRET_KEY'],
  azure: ['SNDSBENCH_LOCAL_AZURE_ACCOUNT', 'SNDSBENCH_LOCAL_AZURE_KEY'],
} as const;

interface Service {
  name: string;
  port: number;
  command: string;
  args: string[];
  env?: Record<string, string>;
  /** Folders made before the start. */
  dirs?: string[];
  /** Seconds to wait for the port (SeaweedFS starts a master, a volume server and a filer first). */
  startup?: number;
}

function pidFile(name: string): string {
  return join(LAB, 'pids', `${name}.pid`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function runningPid(name: string): number | null {
  if (!existsSync(pidFile(name))) return null;
  const pid = Number(readFileSync(pidFile(name), 'utf8'));
  return pid > 0 && alive(pid) ? pid : null;
}

/** The pid of a lab service (source, target...) while it runs. */
export function labServicePid(name: string): number | null {
  return runningPid(name);
}

export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

async function waitFor(port: number, name: string, seconds = 20): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (await listening(port)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${name} did not listen on 127.0.0.1:${port} within ${seconds} s (see ${join(LAB, 'logs', name + '.log')})`,
  );
}

function credentials(): Record<string, string> {
  const file = join(LAB, 'credentials.env');
  if (!existsSync(file)) {
    // The target accepts the source's key pair, as a new host must for clients that keep theirs
    // through a cutover (the HAProxy front presents them to whichever host it routes to).
    const access = `LAB${randomBytes(8).toString('hex').toUpperCase()}`;
    const secret = randomBytes(24).toString('base64url');
    const lines = [
      `${CREDENTIALS.source[0]}=${access}`,
      `${CREDENTIALS.source[1]}=${secret}`,
      `${CREDENTIALS.target[0]}=${access}`,
      `${CREDENTIALS.target[1]}=${secret}`,
      `${CREDENTIALS.azure[0]}=sndsbench`,
      `${CREDENTIALS.azure[1]}=${randomBytes(32).toString('base64')}`,
    ];
    writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 });
  }
  chmodSync(file, 0o600);
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

const BINARY: Record<S3Implementation, string> = { versitygw: 'versitygw', seaweedfs: 'weed', rclone: 'rclone' };

function requireTools(s3: S3Implementation): void {
  const missing = [BINARY[s3], 'toxiproxy-server', 'openssl', 'azurite-blob', 'haproxy'].filter((t) => !findTool(t));
  const named = missing.map((t) => ({ 'azurite-blob': 'azurite' })[t] ?? t);
  if (missing.length) throw new UsageError(`lab tools missing: ${named.join(', ')}; run "npm run setup" first`);
}

/** One S3 server of the chosen implementation, in a folder of its own (.lab/NAME for versitygw,
 * .lab/IMPLEMENTATION-NAME for the others); TLS when `tls` is given. SeaweedFS needs
 * three more ports (master, volume, filer; their gRPC ports are each + 10000), taken from `extra`. */
function s3Service(
  s3: S3Implementation,
  name: string,
  port: number,
  extra: number,
  access: string,
  secret: string,
  tls: LabTls | null,
): Service {
  const dir = join(LAB, s3 === 'versitygw' ? name : `${s3}-${name}`);
  const bin = tool(BINARY[s3]);
  if (s3 === 'versitygw') {
    const cert = tls ? ['--cert', tls.cert, '--key', tls.key] : [];
    return {
      name,
      port,
      command: bin,
      env: { ROOT_ACCESS_KEY: access, ROOT_SECRET_KEY: secret },
      args: [
        '--port',
        `127.0.0.1:${port}`,
        ...cert,
        '--virtual-domain',
        'localhost',
        '--iam-dir',
        join(dir, 'iam'),
        'posix',
        '--sidecar',
        join(dir, 'meta'),
        join(dir, 'data'),
      ],
      dirs: ['data', 'meta', 'iam'].map((d) => join(dir, d)),
    };
  }
  if (s3 === 'rclone') {
    // A bucket is a top-level folder of the served directory. Path-style only: its virtual-host mode
    // (--force-path-style=false) refuses path-style requests, which most clients send.
    const cert = tls ? ['--cert', tls.cert, '--key', tls.key] : [];
    return {
      name,
      port,
      command: bin,
      env: { RCLONE_CONFIG: '/dev/null' },
      args: [
        'serve',
        's3',
        join(dir, 'data'),
        '--addr',
        `127.0.0.1:${port}`,
        '--auth-key',
        `${access},${secret}`,
        ...cert,
        '--log-level',
        'ERROR',
      ],
      dirs: [join(dir, 'data', BUCKET)],
    };
  }
  const identities = join(dir, 'identities.json');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    identities,
    JSON.stringify({
      identities: [
        {
          name: 'lab',
          credentials: [{ accessKey: access, secretKey: secret }],
          actions: ['Admin', 'Read', 'Write', 'List', 'Tagging'],
        },
      ],
    }),
    { mode: 0o600 },
  );
  const cert = tls ? [`-s3.cert.file=${tls.cert}`, `-s3.key.file=${tls.key}`] : [];
  return {
    name,
    port,
    command: bin,
    startup: 90,
    args: [
      'server',
      `-dir=${join(dir, 'data')}`,
      '-ip=127.0.0.1',
      '-ip.bind=127.0.0.1',
      `-master.port=${extra}`,
      `-volume.port=${extra + 1}`,
      `-filer.port=${extra + 2}`,
      '-master.volumeSizeLimitMB=256',
      '-s3',
      `-s3.port=${port}`,
      '-s3.domainName=localhost',
      `-s3.config=${identities}`,
      ...cert,
    ],
    dirs: [join(dir, 'data')],
  };
}

/** The lab's processes, in start order (stopped in reverse), and the port each listens on. */
const SERVICES = ['source', 'target', 'toxiproxy', 'azurite', 'haproxy'] as const;
type ServiceName = (typeof SERVICES)[number];
const servicePort = (p: Ports, name: ServiceName): number => ({ ...p, haproxy: p.front })[name];

function services(p: Ports, c: Record<string, string>, s3: S3Implementation, tls: LabTls): Service[] {
  return [
    s3Service(s3, 'source', p.source, p.source + 10, c[CREDENTIALS.source[0]], c[CREDENTIALS.source[1]], null),
    s3Service(s3, 'target', p.target, p.source + 13, c[CREDENTIALS.target[0]], c[CREDENTIALS.target[1]], tls),
    // toxiproxy logs every connection at its default level: tens of MB for one test run.
    {
      name: 'toxiproxy',
      port: p.toxiproxy,
      command: tool('toxiproxy-server'),
      args: ['-host', '127.0.0.1', '-port', String(p.toxiproxy)],
      env: { LOG_LEVEL: 'warn' },
    },
    {
      name: 'azurite',
      port: p.azurite,
      command: tool('azurite-blob'),
      args: [
        '--blobHost',
        '127.0.0.1',
        '--blobPort',
        String(p.azurite),
        '--location',
        join(LAB, 'azurite'),
        '--silent',
        '--skipApiVersionCheck',
        '--loose',
      ],
      env: { AZURITE_ACCOUNTS: `${c[CREDENTIALS.azure[0]]}:${c[CREDENTIALS.azure[1]]}` },
      dirs: [join(LAB, 'azurite')],
    },
    { name: 'haproxy', port: p.front, command: tool('haproxy'), args: ['-f', join(LAB, 'haproxy.cfg')] },
  ];
}

const TENANT_MAP = join(LAB, 'tenants.map');

function haproxyConfig(p: Ports, tls: LabTls, caps: LabCaps | null): string {
  // The capped front reads a request's body (up to a buffer) before refusing it: with buffers of 1 MiB,
  // an object of up to 1 MiB is refused with the provider's answer rather than a reset connection.
  const CAPS_GLOBAL = '  tune.bufsize 1048576\n';
  return `global
  stats socket ${join(LAB, 'haproxy.sock')} mode 600 level admin
  maxconn 4096
${caps ? CAPS_GLOBAL : ''}defaults
  mode http
  timeout connect 2s
  timeout client 300s
  timeout server 300s
frontend s3_front
  bind 127.0.0.1:${p.front} ssl crt ${tls.combined}
  # Progressive cutovers by tenant: a path prefix in the map goes to the backend it names.
  use_backend %[path,map_beg(${TENANT_MAP},s3_hosts)]
  default_backend s3_hosts
  # The host that answered, for the cutover's per-host figures (HAProxy's own errors included).
  http-after-response set-header x-served-by %s
backend s3_hosts
  # A client (the scenario's client id) stays on one host while weights move traffic in steps.
  balance hdr(x-sndsbench-client)
  hash-type consistent
  server source 127.0.0.1:${p.source} weight 100
  server target 127.0.0.1:${p.targetProxy} ssl verify required ca-file ${tls.ca} weight 100 disabled
backend s3_target
  server target 127.0.0.1:${p.targetProxy} ssl verify required ca-file ${tls.ca}
# The lagging front: a primary that takes every write and a replica that serves half the reads (GET and
# HEAD, listings included) while a replication copies the primary to it, as a read-scaling gateway does.
frontend s3_lagging
  bind 127.0.0.1:${p.lagging}
  acl read method GET HEAD
  use_backend s3_lagging_reads if read
  default_backend s3_lagging_primary
  http-after-response set-header x-served-by %s
backend s3_lagging_primary
  server primary 127.0.0.1:${p.source}
backend s3_lagging_reads
  balance roundrobin
  server primary 127.0.0.1:${p.source}
  server replica 127.0.0.1:${p.targetProxy} ssl verify required ca-file ${tls.ca}
${caps ? capsConfig(caps, p.capped, tls.combined, 's3_target') : ''}`;
}

async function start(s: Service): Promise<'started' | 'running'> {
  if (runningPid(s.name) && (await listening(s.port))) return 'running';
  if (await listening(s.port))
    throw new UsageError(`port 127.0.0.1:${s.port} is taken by another program; choose other ports with --base-port`);
  for (const d of s.dirs ?? []) mkdirSync(d, { recursive: true });
  const log = openSync(join(LAB, 'logs', `${s.name}.log`), 'a');
  const child = spawn(s.command, s.args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...s.env },
  });
  child.unref();
  writeFileSync(pidFile(s.name), String(child.pid));
  await waitFor(s.port, s.name, s.startup);
  return 'started';
}

export interface LabState {
  ports: Ports;
  s3?: S3Implementation;
  /** The provider's caps the capped front enforces, when `lab up --caps` gave them. */
  caps?: LabCaps | null;
}

/** What `lab up --caps PROFILE --caps-scale F` asks for. */
export interface CapsRequest {
  profile: string;
  scale: number;
}

export async function labUp(
  base: number = DEFAULT_BASE_PORT,
  s3: S3Implementation = 'versitygw',
  capsRequest: CapsRequest | null = null,
): Promise<string[]> {
  requireTools(s3);
  const capsProfile = capsRequest ? loadProfile(capsRequest.profile) : null;
  const caps = capsProfile ? labCaps(capsProfile, capsRequest!.scale) : null;
  const ports = portsFrom(base);
  for (const [, port] of Object.entries(ports))
    if (port < 1024 || port > 65535) throw new UsageError(`--base-port ${base} puts a port outside 1024-65535`);
  mkdirSync(join(LAB, 'pids'), { recursive: true });
  mkdirSync(join(LAB, 'logs'), { recursive: true });
  const stateFile = join(LAB, 'state.json');
  if (existsSync(stateFile)) {
    const before = JSON.parse(readFileSync(stateFile, 'utf8')) as LabState;
    const anyRunning = SERVICES.some((n) => runningPid(n));
    if (anyRunning && before.ports.source !== ports.source)
      throw new UsageError(
        `the lab already runs on other ports (base ${before.ports.source}); run "sndsbench lab down" first`,
      );
    if (anyRunning && (before.s3 ?? 'versitygw') !== s3)
      throw new UsageError(
        `the lab already runs ${before.s3 ?? 'versitygw'}; run "sndsbench lab down" first to start ${s3}`,
      );
  }
  const c = credentials();
  const tls = labTls(LAB, BUCKET);
  const config = join(LAB, 'haproxy.cfg');
  const before = existsSync(config) ? readFileSync(config, 'utf8') : '';
  writeFileSync(config, haproxyConfig(ports, tls, caps));
  // HAProxy reads its configuration when it starts: a running front with other caps starts again.
  if (before !== readFileSync(config, 'utf8') && runningPid('haproxy')) await stop('haproxy');
  // Empty at start: tenants are added at runtime (add map), and forgotten when HAProxy restarts.
  writeFileSync(TENANT_MAP, '');
  const report: string[] = [];
  for (const s of services(ports, c, s3, tls)) {
    const started = await start(s);
    const implementation = s.name === 'source' || s.name === 'target' ? ` (${s3})` : '';
    report.push(`${s.name.padEnd(10)} 127.0.0.1:${s.port}  ${started}${implementation}`);
  }
  if (caps) report.push(`${'caps'.padEnd(10)} 127.0.0.1:${ports.capped}  ${describeCaps(caps)}`);
  writeAtomic(stateFile, JSON.stringify({ ports, s3, caps }, null, 1));

  // toxiproxy: the target is reached through it, so faults can be injected between client and target.
  const api = `http://127.0.0.1:${ports.toxiproxy}`;
  const existing = await rawRequest(`${api}/proxies`, 'GET', {});
  if (!JSON.parse(existing.body.toString() || '{}').target) {
    const r = await rawRequest(
      `${api}/proxies`,
      'POST',
      { 'content-type': 'application/json' },
      JSON.stringify({
        name: 'target',
        listen: `127.0.0.1:${ports.targetProxy}`,
        upstream: `127.0.0.1:${ports.target}`,
        enabled: true,
      }),
    );
    if (r.status >= 300) throw new Error(`toxiproxy refused the target proxy: ${r.status} ${r.body}`);
  }
  await waitFor(ports.targetProxy, 'toxiproxy target proxy');

  // Buckets and the Azure container.
  const bucketOn = (port: number, who: 'source' | 'target') => ({
    endpoint: `${who === 'target' ? 'https' : 'http'}://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: BUCKET,
    ca: tls.ca,
    accessKey: c[CREDENTIALS[who][0]],
    secretKey: c[CREDENTIALS[who][1]],
  });
  for (const [port, who] of [
    [ports.source, 'source'],
    [ports.target, 'target'],
  ] as const)
    await createBucket(bucketOn(port, who), who);
  const az = {
    endpoint: `http://127.0.0.1:${ports.azurite}/${c[CREDENTIALS.azure[0]]}`,
    account: c[CREDENTIALS.azure[0]],
    key: c[CREDENTIALS.azure[1]],
    container: BUCKET,
  };
  const r = await azureRequest(az, 'PUT', '', { query: { restype: 'container' } });
  if (r.status !== 201 && r.status !== 409)
    throw new Error(`cannot create Azure container ${BUCKET}: HTTP ${r.status} ${r.body.toString().slice(0, 200)}`);

  writeProfiles(ports, s3, tls, caps && capsProfile ? { caps, limits: capsProfile.limits } : null);
  return report;
}

/** The lab's bucket on a fresh server; SeaweedFS answers on its port before its filer is ready. */
async function createBucket(a: Parameters<typeof s3Request>[0], who: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 60; i++) {
    try {
      const r = await s3Request(a, 'PUT', '');
      if (r.status === 200 || r.status === 409) return;
      last = `HTTP ${r.status} ${r.body.toString().slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`cannot create bucket ${BUCKET} on ${who}: ${last}`);
}

/** A provider's limits with its request caps scaled as the lab enforces them. */
function scaledLimits(limits: Limits, c: LabCaps): Limits {
  const scaled = (v: number | null | undefined) => (v ? Math.max(1, Math.round(v * c.scale)) : (v ?? null));
  return {
    ...limits,
    requests_per_second_per_bucket: scaled(limits.requests_per_second_per_bucket),
    put_per_second_per_bucket: scaled(limits.put_per_second_per_bucket),
    get_per_second_per_bucket: scaled(limits.get_per_second_per_bucket),
    over_cap_status: c.status,
  };
}

function writeProfiles(
  p: Ports,
  impl: S3Implementation,
  tls: LabTls,
  capped: { caps: LabCaps; limits: Limits } | null,
): void {
  const s3 = (name: string, provider: string, port: number, who: 'source' | 'target', https: boolean) => ({
    name,
    provider: `${impl} (${provider})`,
    kind: 's3',
    endpoint: `${https ? 'https' : 'http'}://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: BUCKET,
    addressing: 'path',
    credentials: { access_key_env: CREDENTIALS[who][0], secret_key_env: CREDENTIALS[who][1] },
    ca_bundle: https ? tls.ca : null,
    limits: {
      put_per_second_per_bucket: null,
      get_per_second_per_bucket: null,
      part_size_min: 5 * 1024 ** 2,
      part_size_max: 5 * 1024 ** 3,
      max_parts: 10000,
      equal_parts: false,
      max_single_put: 5 * 1024 ** 3,
      upload_time_limit_s: null,
    },
    prices: null,
    sources: ['local lab (sndsbench lab up)'],
  });
  const profiles = {
    'local-source': s3('local-source', 'lab source', p.source, 'source', false),
    'local-target': {
      ...s3('local-target', 'lab target, behind toxiproxy', p.targetProxy, 'target', true),
      toxiproxy: { api: `http://127.0.0.1:${p.toxiproxy}`, proxy: 'target' },
    },
    // A second candidate for comparisons: the same target, through a 5 MB/s per connection cap that
    // whoever runs against it applies first (sndsbench demo does).
    'local-target-capped': {
      ...s3('local-target-capped', 'lab target, capped at 5 MB/s per connection', p.targetProxy, 'target', true),
      toxiproxy: { api: `http://127.0.0.1:${p.toxiproxy}`, proxy: 'target' },
      toxics: [{ type: 'bandwidth', stream: 'upstream', attributes: { rate: 5_000 } }],
    },
    'local-front': {
      ...s3('local-front', 'HAProxy front, source until switched', p.front, 'source', true),
      provider: 'HAProxy front (source until switched)',
      haproxy: {
        socket: join(LAB, 'haproxy.sock'),
        backend: 's3_hosts',
        tenant_map: TENANT_MAP,
        tenant_backend: 's3_target',
      },
    },
    // Reads from the source or from the target, writes to the source: the target lags by what the
    // replication has not copied (sndsbench replicate --from local-source --to local-target).
    'local-lagging': {
      ...s3('local-lagging', 'HAProxy front, reads shared with a lagging replica', p.lagging, 'source', false),
      provider: 'HAProxy front: writes to the source, reads to the source or the lagging target',
    },
    'local-azure-source': {
      name: 'local-azure-source',
      provider: 'Azurite (Azure Blob)',
      kind: 'azure-blob',
      endpoint: `http://127.0.0.1:${p.azurite}`,
      region: 'local',
      bucket: BUCKET,
      addressing: 'path',
      credentials: { access_key_env: CREDENTIALS.azure[0], secret_key_env: CREDENTIALS.azure[1] },
      ca_bundle: null,
      limits: {},
      prices: null,
      sources: ['local lab (sndsbench lab up)'],
    },
  };
  // The lab's target behind the capped front, with the provider's limits (its caps scaled as enforced).
  const cappedFile = projectPath('hosts', 'local-capped.json');
  if (capped) {
    const c = capped.caps;
    Object.assign(profiles, {
      'local-capped': {
        ...s3('local-capped', `lab target under ${describeCaps(c)}`, p.capped, 'target', true),
        limits: scaledLimits(capped.limits, c),
        sources: [`local lab (sndsbench lab up --caps ${c.profile} --caps-scale ${c.scale})`],
      },
    });
  } else rmSync(cappedFile, { force: true });
  for (const [name, prof] of Object.entries(profiles))
    writeAtomic(projectPath('hosts', `${name}.json`), JSON.stringify(prof, null, 1) + '\n');
}

/** The caps the running lab's capped front enforces, with its port, or null. */
export function labCapsState(): { caps: LabCaps; port: number } | null {
  const file = join(LAB, 'state.json');
  if (!existsSync(file)) return null;
  const state = JSON.parse(readFileSync(file, 'utf8')) as LabState;
  return state.caps && state.ports.capped ? { caps: state.caps, port: state.ports.capped } : null;
}

export { describeCaps };

export async function labStatus(): Promise<
  { name: string; pid: number | null; port: number | null; listening: boolean }[]
> {
  const state = existsSync(join(LAB, 'state.json'))
    ? (JSON.parse(readFileSync(join(LAB, 'state.json'), 'utf8')) as LabState)
    : null;
  const out = [];
  for (const name of SERVICES) {
    const port = state ? servicePort(state.ports, name) : null;
    out.push({ name, pid: runningPid(name), port, listening: port !== null && (await listening(port)) });
  }
  return out;
}

/** Returns the lab to where a rehearsal starts: the front routes to the source only, the target is reachable
 * without toxics. */
export async function labReset(): Promise<string[]> {
  if (!runningPid('haproxy')) throw new UsageError('the lab is not running: run "sndsbench lab up" first');
  await routeToSource(loadProfile('local-front').haproxy!);
  await setProxyEnabled('local-target', true);
  await clearToxics('local-target');
  return ['front      routes to the source only, no tenant moved', 'target     reachable, no toxics'];
}

/** Stops one service the lab started (by its pid file); true when it was running. */
async function stop(name: ServiceName): Promise<boolean> {
  const pid = runningPid(name);
  if (pid) {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      process.kill(pid, 'SIGTERM');
    }
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(pidFile(name), { force: true });
  return pid !== null;
}

/** Stops what `up` started (by pid file) and nothing else; the data stays for the next `up`. */
export async function labDown(): Promise<string[]> {
  const report: string[] = [];
  for (const name of [...SERVICES].reverse()) if (await stop(name)) report.push(`${name.padEnd(10)} stopped`);
  return report;
}

export { loadLabCredentials };
