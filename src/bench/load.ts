// `npm run bench:load`: the engine against its peers on the same versitygw, in one run, over plain HTTP
// (the lab's source) and HTTPS (its target, behind toxiproxy, with the lab CA). One JSON line per figure:
// {"metric","op","scheme","ours","peer","peer_value","ratio"}, and beside each throughput figure the CPU both
// sides cost per request and per MiB (all threads of this process; rclone's child's), marginal: a run of
// BENCH_DURATION_S less one of a third as long, so start-up costs are out. Peers: rclone copy to and from the
// bucket, a tuned @aws-sdk/client-s3 loop, and a bare loop of the engine's own HTTP client signing the same
// requests.
// Then the engine's accuracy: a toxiproxy bandwidth cap and injected latency read back, and a constant
// arrival rate's count of iterations.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { run, type RunArgs } from '../engine/engine.js';
import { HttpClient, type HttpOwner } from '../engine/http.js';
import { SampleBuffer } from '../engine/samples.js';
import type { Shared } from '../engine/vu-context.js';
import { DEFAULT_BASE_PORT, labDown, labServicePid, labUp } from '../hosts/lab.js';
import { credentialsOf, loadProfile, type HostProfile } from '../hosts/profile.js';
import { s3Request, s3Signed, type S3Access } from '../hosts/s3node.js';
import { addToxic, clearToxics } from '../hosts/toxics.js';
import { projectPath } from '../util/paths.js';

const MIB = 1024 ** 2;
const SIZE = Number(process.env.BENCH_OBJECT_MIB ?? 4) * MIB;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const SECONDS = Number(process.env.BENCH_DURATION_S ?? 8);
const SMALL = 4096;
const ONLY = process.env.BENCH_ONLY;
const SMALL_VUS = 64;
const OBJECTS = 16;
const SCRIPT = projectPath('bench', 'objects.ts');
const work = mkdtempSync(join(tmpdir(), 'sndsbench-bench-load-'));

interface Target {
  profile: HostProfile;
  access: S3Access;
  scheme: string;
  env: Record<string, string>;
}

function target(name: string): Target {
  const profile = loadProfile(name);
  const c = credentialsOf(profile);
  const access: S3Access = {
    endpoint: profile.endpoint,
    region: profile.region,
    bucket: profile.bucket,
    accessKey: c.accessKey,
    secretKey: c.secretKey,
    ca: profile.ca_bundle,
  };
  const env: Record<string, string> = {
    S3_ENDPOINT: profile.endpoint,
    S3_BUCKET: profile.bucket,
    S3_ACCESS_KEY: c.accessKey,
    S3_SECRET_KEY: c.secretKey,
  };
  if (profile.ca_bundle) env.SSL_CERT_FILE = profile.ca_bundle;
  return { profile, access, scheme: new URL(profile.endpoint).protocol.replace(':', ''), env };
}

interface Measured {
  /** Per second: MiB or requests. */
  rate: number;
  requests: number;
  mib: number;
  /** CPU microseconds of the whole measured process (all threads), or of rclone's child. */
  cpuUs: number;
  /** CPU microseconds the lab's S3 server spent meanwhile, when it was read. */
  serverCpuUs?: number;
  summary?: Record<string, Record<string, number>>;
}

/** CPU per request and per MiB of a longer run beyond a shorter one: start-up costs (bundling, VU init,
 * connections, rclone's listing) cancel out; the rate is the longer run's. */
interface Marginal {
  rate: number;
  cpuUsPerRequest: number;
  cpuMsPerMiB: number;
  serverCpuUsPerRequest?: number;
}

const SHORT_SECONDS = Math.max(1, Math.round(SECONDS / 3));

async function marginal(measure: (seconds: number) => Promise<Measured> | Measured): Promise<Marginal> {
  const short = await measure(SHORT_SECONDS);
  const long = await measure(SECONDS);
  const cpu = long.cpuUs - short.cpuUs;
  const m: Marginal = {
    rate: long.rate,
    cpuUsPerRequest: cpu / (long.requests - short.requests),
    cpuMsPerMiB: cpu / 1000 / (long.mib - short.mib),
  };
  if (long.serverCpuUs !== undefined && short.serverCpuUs !== undefined)
    m.serverCpuUsPerRequest = (long.serverCpuUs - short.serverCpuUs) / (long.requests - short.requests);
  return m;
}

/** CPU microseconds a lab service's process has used so far, from /proc (Linux); null where unreadable. */
function serviceCpuUs(service: string): number | null {
  const pid = labServicePid(service);
  if (!pid) return null;
  try {
    // utime and stime are fields 14 and 15, counted after the parenthesised command name.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) / TICKS_PER_S) * 1e6;
  } catch {
    return null;
  }
}
const TICKS_PER_S = 100;

/** A measurement with the CPU the S3 server spent meanwhile: client and server share this machine's cores,
 * so what the server costs per request bounds what more client threads can gain. */
function withServer(service: string, measure: (s: number) => Promise<Measured>) {
  return async (seconds: number): Promise<Measured> => {
    const before = serviceCpuUs(service);
    const m = await measure(seconds);
    const after = serviceCpuUs(service);
    if (before !== null && after !== null) m.serverCpuUs = after - before;
    return m;
  };
}

/** The engine, in this process (its CPU is this process's, all threads), on bench/objects.ts. */
async function engine(t: Target, vars: Record<string, string>, workers: number, size: number): Promise<Measured> {
  const exportFile = join(work, `summary-${Date.now()}.json`);
  const args: RunArgs = {
    script: SCRIPT,
    quiet: true,
    logJson: true,
    outJson: null,
    summaryExport: exportFile,
    env: { ...(process.env as Record<string, string>), ...t.env, SIZE: String(size), ...vars },
    segment: null,
    sequence: null,
    overrides: {},
    workers,
    noThresholds: true,
  };
  const cpu = process.cpuUsage();
  const code = await run(args);
  const used = process.cpuUsage(cpu);
  if (code !== 0) throw new Error(`the engine exited with ${code}`);
  const summary = JSON.parse(readFileSync(exportFile, 'utf8')).metrics as Record<string, Record<string, number>>;
  const seconds = Number(vars.DURATION?.replace('s', '') ?? SECONDS);
  const bytes = summary.bench_bytes?.count ?? 0;
  return {
    rate: bytes / seconds / (size >= MIB ? MIB : size),
    requests: summary.http_reqs?.count ?? 0,
    mib: bytes / MIB,
    cpuUs: used.user + used.system,
    summary,
  };
}

/** `concurrency` loops for `seconds`, each calling `op`; per second: bytes moved or requests. */
async function loops(concurrency: number, seconds: number, op: (i: number) => Promise<void>) {
  const end = performance.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  let n = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) await op(n++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { count: n, cpuUs: used.user + used.system };
}

/** A loop's count and CPU as a measurement of `size`-byte requests over `seconds`. */
function looped(r: { count: number; cpuUs: number }, size: number, seconds: number): Measured {
  return {
    rate: (r.count * size) / seconds / (size >= MIB ? MIB : size),
    requests: r.count,
    mib: (r.count * size) / MIB,
    cpuUs: r.cpuUs,
  };
}

function sdk(t: Target, sockets: number): S3Client {
  const agent = { keepAlive: true, maxSockets: sockets };
  return new S3Client({
    endpoint: t.access.endpoint,
    region: t.access.region,
    forcePathStyle: true,
    credentials: { accessKeyId: t.access.accessKey, secretAccessKey: t.access.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent(agent),
      httpsAgent: new https.Agent({ ...agent, ca: t.access.ca ? readFileSync(t.access.ca) : undefined }),
    }),
  });
}

async function sdkLoop(t: Target, op: 'put' | 'get', size: number, concurrency: number, seconds: number) {
  const client = sdk(t, concurrency);
  const body = Buffer.alloc(size, 1);
  const prefix = size >= MIB ? 'objects' : 'small';
  const r = await loops(concurrency, seconds, async (i) => {
    if (op === 'put') {
      await client.send(new PutObjectCommand({ Bucket: t.access.bucket, Key: `sdk/${i}`, Body: body }));
      return;
    }
    const o = await client.send(new GetObjectCommand({ Bucket: t.access.bucket, Key: `${prefix}/${i % OBJECTS}` }));
    const stream = o.Body as Readable;
    await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject).resume());
  });
  client.destroy();
  return looped(r, size, seconds);
}

/** The engine's HTTP client alone: what a VU costs beyond it is the engine's own overhead. */
async function bareLoop(t: Target, op: 'put' | 'get', size: number, concurrency: number, seconds: number) {
  const shared = {
    options: null,
    sink: new SampleBuffer(),
    log: () => {},
    ca: t.access.ca ? [readFileSync(t.access.ca, 'utf8')] : undefined,
  } as unknown as Shared;
  const prefix = size >= MIB ? 'objects' : 'small';
  const body = new Uint8Array(size).buffer;
  const clients = Array.from({ length: concurrency }, () => {
    const owner: HttpOwner = { initPhase: false, shared, tags: () => ({}), begin: () => 0, end: () => true };
    return new HttpClient(owner);
  });
  let c = 0;
  const r = await loops(concurrency, seconds, async (i) => {
    const key = op === 'put' ? `bare/${i}` : `${prefix}/${i % OBJECTS}`;
    const method = op === 'put' ? 'PUT' : 'GET';
    const { url, headers } = s3Signed(t.access, method, key);
    const res = await clients[c++ % concurrency].request(method, url, op === 'put' ? body : null, {
      headers,
      responseType: 'none',
    });
    if (res.status !== 200) throw new Error(`bare ${method} answered ${res.status}`);
    shared.sink = new SampleBuffer(); // samples are not what is measured here
  });
  return looped(r, size, seconds);
}

/** rclone copy of files to the bucket and back, with as many transfers as the others' concurrency; as many
 * files as make about `seconds` of the longer run. Its CPU is its child's, read by the shell's `times`. */
function rclone(t: Target, op: 'put' | 'get', seconds: number): Measured {
  const u = new URL(t.access.endpoint);
  const env = {
    ...process.env,
    RCLONE_CONFIG_BENCH_TYPE: 's3',
    RCLONE_CONFIG_BENCH_PROVIDER: 'Other',
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: t.access.accessKey,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: t.access.secretKey,
    RCLONE_CONFIG_BENCH_ENDPOINT: u.origin,
    RCLONE_CONFIG_BENCH_REGION: t.access.region,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
  };
  const files = Math.max(CONCURRENCY, Math.round((OBJECTS * 4 * seconds) / SECONDS));
  const local = join(work, `rclone-${op}-${t.scheme}-${files}`);
  mkdirSync(local, { recursive: true });
  if (op === 'put') for (let i = 0; i < files; i++) writeFileSync(join(local, `f${i}`), Buffer.alloc(SIZE, i));
  const remote = `bench:${t.access.bucket}/rclone-${t.scheme}-${files}`;
  const args = ['copy', ...(op === 'put' ? [local, remote] : [remote, local]), '--transfers', String(CONCURRENCY)];
  args.push('--s3-upload-cutoff', '5G', '--s3-disable-checksum', '--no-check-dest', '--ignore-checksum');
  if (t.access.ca) args.push('--ca-cert', t.access.ca);
  // `times` prints the shell's children's user and system time on its second line: "0m1.234s 0m0.567s".
  const script = '"$0" "$@"; s=$?; times >&2; exit $s';
  const start = performance.now();
  const r = spawnSync('sh', ['-c', script, projectPath('.tools', 'bin', 'rclone'), ...args], { env, encoding: 'utf8' });
  const wall = (performance.now() - start) / 1000;
  const lines = r.stderr.trim().split('\n');
  if (r.status !== 0) throw new Error(`rclone ${op}: ${lines.at(-3) ?? ''}`);
  rmSync(local, { recursive: true, force: true });
  const secs = [...(lines.at(-1) ?? '').matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (secs.length !== 2) throw new Error(`rclone ${op}: no CPU times in ${JSON.stringify(lines.at(-1))}`);
  const mib = (files * SIZE) / MIB;
  return { rate: mib / wall, requests: files, mib, cpuUs: (secs[0] + secs[1]) * 1e6 };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** One figure: the rate of ours against a peer's, and beside it the CPU each costs per request and per MiB
 * (marginal), with cpu ratios peer / ours (above 1: ours costs less). */
function line(metric: string, op: string, scheme: string, ours: Marginal, peer: string, theirs: Marginal, extra = {}) {
  console.log(
    JSON.stringify({
      metric,
      op,
      scheme,
      ours: round(ours.rate),
      peer,
      peer_value: round(theirs.rate),
      ratio: round(ours.rate / theirs.rate),
      ours_cpu_us_per_req: round(ours.cpuUsPerRequest),
      peer_cpu_us_per_req: round(theirs.cpuUsPerRequest),
      ours_cpu_ms_per_mib: round(ours.cpuMsPerMiB),
      peer_cpu_ms_per_mib: round(theirs.cpuMsPerMiB),
      cpu_ratio: round(theirs.cpuUsPerRequest / ours.cpuUsPerRequest),
      ...extra,
    }),
  );
}

/** An accuracy figure: a value read back against the one set. */
function readBack(metric: string, op: string, scheme: string, got: number, peer: string, want: number, extra = {}) {
  console.log(
    JSON.stringify({
      metric,
      op,
      scheme,
      ours: round(got),
      peer,
      peer_value: round(want),
      ratio: round(got / want),
      ...extra,
    }),
  );
}

async function seed(t: Target) {
  const big = Buffer.alloc(SIZE, 7);
  const small = Buffer.alloc(SMALL, 7);
  for (let i = 0; i < OBJECTS; i++) {
    for (const [prefix, body] of [
      ['objects', big],
      ['small', small],
    ] as const) {
      const r = await s3Request(t.access, 'PUT', `${prefix}/${i}`, { body });
      if (r.status !== 200) throw new Error(`seeding ${prefix}/${i}: HTTP ${r.status}`);
    }
  }
}

async function speed(t: Target, service: string) {
  await seed(t);
  const vars = (op: string, size: number, vus: number, seconds: number) => ({
    OP: op,
    VUS: String(vus),
    DURATION: `${seconds}s`,
    OBJECTS: String(OBJECTS),
    PREFIX: size >= MIB ? 'objects' : 'small',
  });
  for (const op of ONLY === 'small' ? [] : (['put', 'get'] as const)) {
    const ours = await marginal((s) => engine(t, vars(op, SIZE, CONCURRENCY, s), 1, SIZE));
    const extra = { object_mib: SIZE / MIB, concurrency: CONCURRENCY };
    const peers: [string, Marginal][] = [
      ['rclone', await marginal((s) => rclone(t, op, s))],
      ['aws-sdk-v3', await marginal((s) => sdkLoop(t, op, SIZE, CONCURRENCY, s))],
      ['engine-http-bare', await marginal((s) => bareLoop(t, op, SIZE, CONCURRENCY, s))],
    ];
    for (const [name, p] of peers) line('mib_per_s', op, t.scheme, ours, name, p, extra);
  }
  const small = (threads: number) =>
    marginal(withServer(service, (s) => engine(t, vars('get', SMALL, SMALL_VUS, s), threads, SMALL)));
  const one = await small(1);
  const two = await small(2);
  const peer = await marginal((s) => sdkLoop(t, 'get', SMALL, SMALL_VUS, s));
  const bare = await marginal((s) => bareLoop(t, 'get', SMALL, SMALL_VUS, s));
  const extra = { object_bytes: SMALL, vus: SMALL_VUS, server_cpu_us_per_req: round(one.serverCpuUsPerRequest ?? NaN) };
  line('req_per_s', 'get_small', t.scheme, one, 'aws-sdk-v3', peer, extra);
  line('req_per_s', 'get_small', t.scheme, one, 'engine-http-bare', bare, extra);
  line('req_per_s', 'get_small', t.scheme, two, 'engine-one-thread', one, {
    ...extra,
    threads: 2,
    server_cpu_us_per_req: round(two.serverCpuUsPerRequest ?? NaN),
  });
}

async function accuracy() {
  const t = target('local-target');
  const vars = { OP: 'get', OBJECTS: String(OBJECTS) };
  // A bandwidth cap on the responses: toxiproxy's rate is in KB/s (1000 bytes) and per connection, so one
  // VU; the rate is read over the requests' own time (bytes / the sum of http_req_duration), which does not
  // depend on how many whole objects fit in the run.
  const rateKBs = 5_000;
  await addToxic('local-target', 'bench_bandwidth', {
    type: 'bandwidth',
    stream: 'downstream',
    attributes: { rate: rateKBs },
  });
  try {
    const m = await engine(t, { ...vars, VUS: '1', DURATION: '10s', PREFIX: 'objects' }, 1, SIZE);
    const d = m.summary!.http_req_duration;
    const got = m.summary!.bench_bytes.count / MIB / ((d.avg * d.count) / 1000);
    const capMiB = (rateKBs * 1000) / MIB;
    readBack('bandwidth_cap_read_back', 'get', t.scheme, got, 'toxiproxy-cap', capMiB, {
      unit: 'MiB/s',
      within: '±5%',
    });
  } finally {
    await clearToxics('local-target');
  }
  const base = await engine(t, { ...vars, VUS: '1', DURATION: '5s', PREFIX: 'small' }, 1, SMALL);
  const latency = 100;
  await addToxic('local-target', 'bench_latency', { type: 'latency', stream: 'downstream', attributes: { latency } });
  try {
    const m = await engine(t, { ...vars, VUS: '1', DURATION: '5s', PREFIX: 'small' }, 1, SMALL);
    for (const p of ['med', 'p(99)']) {
      const got = m.summary!.http_req_waiting[p] - base.summary!.http_req_waiting[p];
      readBack('injected_latency_read_back', p, t.scheme, got, 'toxiproxy-latency', latency, {
        unit: 'ms',
        within: '±10%',
      });
    }
  } finally {
    await clearToxics('local-target');
  }
  const source = target('local-source');
  const rate = 50;
  const seconds = 10;
  const m = await engine(
    source,
    { ...vars, VUS: '8', RATE: String(rate), DURATION: `${seconds}s`, PREFIX: 'small' },
    2,
    SMALL,
  );
  const started = (m.summary!.iterations?.count ?? 0) + (m.summary!.dropped_iterations?.count ?? 0);
  readBack('arrival_rate_iterations', 'get_small', source.scheme, started, 'rate_x_duration', rate * seconds, {
    dropped: m.summary!.dropped_iterations?.count ?? 0,
    within: '±1',
  });
}

async function main(): Promise<void> {
  await labUp(DEFAULT_BASE_PORT);
  // BENCH_ONLY=speed or accuracy runs one half; small, the small-object figures alone.
  const only = ONLY === 'small' ? 'speed' : ONLY;
  if (only !== 'accuracy')
    for (const [host, service] of [
      ['local-source', 'source'],
      ['local-target', 'target'],
    ])
      await speed(target(host), service);
  if (only !== 'speed') {
    if (only === 'accuracy') await seed(target('local-target'));
    await accuracy();
  }
}

// The lab goes down afterwards, as the demo's does: nothing keeps running behind the figures.
main()
  .finally(() => {
    rmSync(work, { recursive: true, force: true });
    return labDown();
  })
  .then(
    () => process.exit(0),
    (e) => {
      console.error(`bench:load: ${(e as Error).message}`);
      process.exit(1);
    },
  );
