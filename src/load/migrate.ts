// `sndsbench migrate`: rehearses the migration of a seeded dataset from one host to another with the
// migration scenario, then extrapolates the measured rates to the full volume and gives a verdict
// against the window, with what would meet it. `--delta` copies only what changed since the last copy;
// `--verify` reads the target back against the seed-time checksums without copying.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { loadProfile, type HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access, keysOn } from '../hosts/sync.js';
import { writeAtomic } from '../util/files.js';
import { runManifest, sizes } from './provenance.js';
import { datasetManifests, seedRecord, type SeedRecord } from '../contracts/dataset.js';
import { migrationEvent, type CopyEvent, type DeleteEvent } from '../contracts/events.js';
import { stat } from '../contracts/k6.js';
import {
  readSummary,
  type MigrationResult,
  type ObjectResult,
  type Rehearsal,
  type Verdict,
} from '../contracts/results.js';
import { preflight } from '../hosts/preflight.js';
import { partPlanFor, partRules } from '../hosts/parts.js';
import { connectionBandwidth, requestCaps } from '../hosts/limits.js';
import { throttledOverTime } from '../contracts/throttling.js';
import { duration, human, parseWindow, parseVolume } from '../util/units.js';
import { launch, runId } from './launcher.js';

export interface MigrateOptions {
  from: string;
  to: string;
  dataset: string;
  window: string;
  volume?: string;
  /** The size of the full volume's objects (with --volume; the dataset's mean size otherwise). */
  objectSize?: string;
  plan?: string;
  streams: number;
  /** Buckets or prefixes the full migration spreads its writes over (each has the per-bucket cap). */
  prefixes: number;
  partSize: number;
  retries: number;
  delta: boolean;
  results: string;
}

function sameBucket(a: HostProfile, b: HostProfile): boolean {
  const norm = (p: HostProfile) => `${p.endpoint.replace(/\/+$/, '').toLowerCase()}|${p.bucket}`;
  return norm(a) === norm(b);
}

/** The checks that need no network: dataset, seed record, distinct hosts, parsable window and volume. */
function checkInput(o: MigrateOptions): { from: HostProfile; to: HostProfile; seed: SeedRecord; window: number } {
  const from = loadProfile(o.from);
  const to = loadProfile(o.to);
  if (to.kind === 'azure-blob')
    throw new UsageError(`--to ${to.name} is an Azure Blob container: the target must be S3-compatible`);
  if (sameBucket(from, to))
    throw new UsageError(
      `--from ${from.name} and --to ${to.name} are the same bucket (${from.endpoint}, ${from.bucket}): ` +
        'nothing to migrate',
    );
  const window = parseWindow(o.window);
  if (o.volume !== undefined && o.plan !== undefined) throw new UsageError('give --volume or --plan, not both');
  if (o.volume !== undefined) parseVolume(o.volume);
  if (o.objectSize !== undefined && o.volume === undefined)
    throw new UsageError('--object-size is the size of the objects of --volume: give --volume too');
  if (o.objectSize !== undefined) parseVolume(o.objectSize, 'object-size');
  if (!existsSync(o.dataset) || datasetManifests(o.dataset).length === 0)
    throw new UsageError(`${o.dataset} has no _manifest.json: give the folder of a generated dataset`);
  const seed = seedRecord(o.dataset, from.name);
  // An object the target cannot take is refused before any request, the limit named.
  for (const x of seed.objects) partPlanFor(to, x.bytes, o.partSize);
  return { from, to, seed, window };
}

export async function migrate(
  options: MigrateOptions,
): Promise<{ dir: string; rehearsal: Rehearsal; verdict: Verdict | null; exitCode: number; text: string }> {
  // The scenario opens these files: absolute, whatever the caller's working directory.
  const o = {
    ...options,
    dataset: resolve(options.dataset),
    results: resolve(options.results),
    plan: options.plan && resolve(options.plan),
  };
  const { from, to, seed, window } = checkInput(o);
  const recordPath = join(o.dataset, `_migrated-${from.name}-to-${to.name}.json`);
  if (o.delta && !existsSync(recordPath))
    throw new UsageError(
      `no previous copy from ${from.name} to ${to.name} is recorded in ${o.dataset}: run migrate without --delta first`,
    );
  const fc = await preflight(from);
  const tc = await preflight(to);

  const id = runId(`migration-${from.name}-to-${to.name}`, 'millisecond');
  const dir = join(o.results, id);
  mkdirSync(dir, { recursive: true });
  const checksums = Object.fromEntries(seed.objects.map((x) => [x.key, { bytes: x.bytes, sha256: x.sha256 }]));
  writeFileSync(join(dir, 'checksums.json'), JSON.stringify(checksums));
  const rules = partRules(to);
  const settings: Record<string, string> = {
    STREAMS: String(o.streams),
    PREFIX: `${seed.prefix}/`,
    RETRIES: String(o.retries),
    PART_SIZE: String(o.partSize),
    PART_MIN: String(rules.min),
    PART_MAX: String(rules.max),
    MAX_PARTS: String(rules.maxParts),
    ...(rules.maxSinglePut ? { MAX_SINGLE_PUT: String(rules.maxSinglePut) } : {}),
    ...(rules.maxRequestBytes ? { MAX_REQUEST_BYTES: String(rules.maxRequestBytes) } : {}),
    CHECKSUMS: join(dir, 'checksums.json'),
    ...(o.delta ? { PREVIOUS: recordPath } : {}),
  };
  // One log line per object and phase.
  const copies = new Map<string, CopyEvent>();
  const verified = new Map<string, string>();
  let lastVerified = 0;
  const deletes: DeleteEvent[] = [];
  const run = await launch({
    scenario: 'migration',
    dir,
    settings,
    target: { profile: to, credentials: tc },
    source: { profile: from, credentials: fc },
    jsonLog: true,
    // Raw samples: the throttled answers over time are read from them.
    samples: true,
    onLine: (line) => {
      const e = migrationEvent(line);
      if (e?.migration === 'copy') copies.set(e.key, e);
      if (e?.migration === 'verify') {
        verified.set(e.key, e.error);
        lastVerified = Math.max(lastVerified, e.end ?? 0);
      }
      if (e?.migration === 'delete') deletes.push(e);
    },
  });
  if (run.error) throw run.error;

  const results: ObjectResult[] = [...copies.entries()].map(([key, c]) => {
    const verifyError = verified.get(key);
    const error = !c.ok ? c.error : verifyError === undefined ? 'not verified' : verifyError;
    return { key, bytes: c.bytes, ok: error === '', attempts: c.attempts, error };
  });
  results.sort((a, b) => a.key.localeCompare(b.key));
  const good = results.filter((r) => r.ok);
  // Objects the source deleted since the last copy, deleted from the target (or named as failed).
  const deleted = deletes.filter((d) => d.ok).map((d) => d.key);
  const failedDeletes: ObjectResult[] = deletes
    .filter((d) => !d.ok)
    .map((d) => ({ key: d.key, bytes: 0, ok: false, attempts: 0, error: `deleted on the source: ${d.error}` }));
  const starts = [...copies.values()].map((c) => c.start);
  const ends = [...copies.values()].map((c) => c.end);
  const seconds = copies.size ? (Math.max(...ends) - Math.min(...starts)) / 1000 : 0;
  // From the first copy to the last read-back: what a cap shared by writes and reads paces.
  const withVerify = copies.size && lastVerified ? (lastVerified - Math.min(...starts)) / 1000 : null;
  const summary = readSummary(run.summaries[0]);
  const count = (m: string) => stat(summary, m, 'count');
  const bytes = good.reduce((s, r) => s + r.bytes, 0);
  const samples = run.samples[0];
  const throttling = samples && existsSync(samples) ? await throttledOverTime(samples) : { byKind: {}, perSecond: [] };
  const rehearsal: Rehearsal = {
    objects: good.length,
    bytes,
    seconds,
    bytes_per_second: seconds > 0 ? bytes / seconds : 0,
    ...(withVerify !== null ? { seconds_with_verify: withVerify } : {}),
    objects_per_second: seconds > 0 ? good.length / seconds : 0,
    put_requests_per_object: good.length
      ? good.reduce((s, r) => s + partPlanFor(to, r.bytes, o.partSize).requests, 0) / good.length
      : 1,
    streams: o.streams,
    retries: count('migration_retries'),
    throttled: count('s3_throttled'),
    throttled_by_kind: throttling.byKind,
    throttled_per_second: throttling.perSecond,
    failed: [...results.filter((r) => !r.ok), ...failedDeletes],
  };

  // The record of what the target holds, for the next --delta.
  const previous = existsSync(recordPath)
    ? (JSON.parse(readFileSync(recordPath, 'utf8')) as Record<string, string>)
    : {};
  for (const r of good) previous[r.key] = copies.get(r.key)!.etag;
  for (const key of deleted) delete previous[key];
  writeAtomic(recordPath, JSON.stringify(previous, null, 1) + '\n');

  const deletions = deletes.length
    ? `deleted on the source since the last copy: ${deletes.length} objects, ${deleted.length} deleted from ` +
      `${to.name}${failedDeletes.length ? `, ${failedDeletes.length} still there` : ''}`
    : '';
  if (o.delta && copies.size === 0) {
    // Nothing to copy measures no rate: there is nothing to extrapolate, and no run for the report.
    const text = [
      `delta ${from.name} -> ${to.name}: nothing new or changed on the source since the last copy` +
        (failedDeletes.length ? '' : '; the target is in step (no rate measured, no extrapolation)'),
      ...(deletions ? [deletions] : []),
      ...failedDeletes.map((f) => `FAILED ${f.key}: ${f.error}`),
    ].join('\n');
    writeFileSync(join(dir, 'verdict.txt'), text + '\n');
    return { dir, rehearsal, verdict: null, exitCode: failedDeletes.length ? 1 : 0, text };
  }
  const verdict = extrapolate(o, rehearsal, to, window, seed);
  const text = [describe(rehearsal, verdict, o, from, to), ...(deletions ? [deletions] : [])].join('\n');
  const result: MigrationResult = {
    id,
    from: from.name,
    to: to.name,
    dataset: o.dataset,
    delta: o.delta,
    runner: run.runner,
    rehearsal,
    verdict,
    objects: results,
    deleted,
  };
  writeAtomic(join(dir, 'migration.json'), JSON.stringify(result, null, 1) + '\n');
  const workload = {
    scenario: 'migration',
    from: from.name,
    objects: seed.objects.length,
    bytes: seed.objects.reduce((s, x) => s + x.bytes, 0),
    streams: o.streams,
    part_size: o.partSize,
    delta: o.delta,
    window: o.window,
    volume: o.volume ?? o.plan ?? null,
  };
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'migration',
        id,
        host: to.name,
        provider: to.provider,
        scenario: 'migration',
        workload,
        object_sizes: sizes(seed.objects.map((x) => x.bytes)),
        tools: { runner: run.runner },
      }),
      null,
      1,
    ),
  );
  writeFileSync(join(dir, 'verdict.txt'), text + '\n');
  const exitCode = rehearsal.failed.length > 0 || verdict.verdict === 'FAIL' ? 1 : 0;
  return { dir, rehearsal, verdict, exitCode, text };
}

/** The full volume's objects, as groups of one size: the plan's files by table, --volume in objects of
 * --object-size (or the dataset's mean size), or the rehearsal dataset itself. */
interface VolumeShape {
  bytes: number;
  objects: number;
  source: string;
  groups: { bytes: number; count: number }[];
}

function volumeShape(o: Pick<MigrateOptions, 'volume' | 'plan' | 'objectSize'>, seed: SeedRecord): VolumeShape {
  const datasetBytes = seed.objects.reduce((s, x) => s + x.bytes, 0);
  if (o.plan) {
    if (!existsSync(o.plan))
      throw new UsageError(`--plan ${o.plan}: no such file (write one with "sndsbench plan ... --json > FILE")`);
    const p = JSON.parse(readFileSync(o.plan, 'utf8')) as {
      total?: { bytes?: number; objects?: number; files?: number };
      tables?: { bytes: number; files: number }[];
    };
    if (!p.total?.bytes || !p.total.objects)
      throw new UsageError(`--plan ${o.plan} is not the JSON of "sndsbench plan --json"`);
    const files = (p.tables ?? []).filter((t) => t.files > 0);
    const filed = files.reduce((s, t) => s + t.files, 0);
    const groups = files.length
      ? [
          ...files.map((t) => ({ bytes: t.bytes / t.files, count: t.files })),
          // Manifests: small objects, one PUT each.
          { bytes: 1, count: Math.max(0, p.total.objects - filed) },
        ]
      : [{ bytes: p.total.bytes / p.total.objects, count: p.total.objects }];
    return { bytes: p.total.bytes, objects: p.total.objects, source: `plan ${o.plan}`, groups };
  }
  if (o.volume) {
    const bytes = parseVolume(o.volume);
    const size = o.objectSize ? parseVolume(o.objectSize, 'object-size') : datasetBytes / seed.objects.length;
    const objects = Math.ceil(bytes / size);
    const source = o.objectSize
      ? `--volume ${o.volume} in objects of ${o.objectSize}`
      : `--volume ${o.volume}, objects at the dataset's mean size`;
    return { bytes, objects, source, groups: [{ bytes: size, count: objects }] };
  }
  const groups = seed.objects.map((x) => ({ bytes: x.bytes, count: 1 }));
  return { bytes: datasetBytes, objects: seed.objects.length, source: 'the rehearsal dataset', groups };
}

/**
 * The full migration's time: the largest of the bytes over the sustained measured rate (each stream at
 * most the target's published per-connection bandwidth) and the PUT requests, parts included as the
 * target's part rules size them, over the target's per-bucket write cap times the buckets or prefixes.
 */
export function extrapolate(
  o: Pick<MigrateOptions, 'volume' | 'plan' | 'objectSize' | 'prefixes' | 'streams' | 'partSize'>,
  r: Rehearsal,
  to: HostProfile,
  window: number,
  seed: SeedRecord,
): Verdict {
  const v = volumeShape(o, seed);
  const caps = requestCaps(to.limits);
  let requests = 0;
  let most = { parts: 1, part_size: 0, object_bytes: 0 };
  for (const g of v.groups) {
    if (g.count === 0) continue;
    const plan = partPlanFor(to, g.bytes, o.partSize);
    requests += plan.requests * g.count;
    if (plan.parts > most.parts || most.part_size === 0)
      most = { parts: plan.parts, part_size: plan.partSize, object_bytes: g.bytes };
  }
  const perConnection = connectionBandwidth(to.limits) ?? Infinity;
  const perStream = Math.min(r.bytes_per_second / Math.max(1, r.streams), perConnection);
  const rate = Math.min(r.bytes_per_second, perStream * r.streams);
  const byBytes = rate > 0 ? v.bytes / rate : Infinity;
  const byRequests = caps.write ? requests / (caps.write * o.prefixes) : null;
  const seconds = Math.max(byBytes, byRequests ?? 0);
  const needRate = v.bytes / window;
  return {
    volume_bytes: v.bytes,
    volume_objects: v.objects,
    volume_source: v.source,
    seconds,
    seconds_by_bytes: byBytes,
    seconds_by_requests: byRequests,
    bound: byRequests !== null && byRequests > byBytes ? 'request rate' : 'bandwidth',
    window_seconds: window,
    verdict: seconds <= window ? 'PASS' : 'FAIL',
    margin_seconds: window - seconds,
    to_meet: {
      streams: Math.ceil(needRate / Math.max(perStream, 1e-9)),
      load_instances: Math.ceil(needRate / Math.max(r.bytes_per_second, 1e-9)),
      prefixes: caps.write ? Math.ceil(requests / (caps.write * window)) : null,
    },
    put_requests: requests,
    most_parts: most,
    caps,
    verify_seconds_by_requests: caps.read ? v.objects / (caps.read * o.prefixes) : null,
  };
}

/** " (put 12, multipart_part 3)", or '' when nothing was throttled. */
function byKind(r: Rehearsal): string {
  const kinds = Object.entries(r.throttled_by_kind ?? {}).filter(([, n]) => n > 0);
  return kinds.length ? ` (${kinds.map(([k, n]) => `${k} ${n}`).join(', ')})` : '';
}

function describe(r: Rehearsal, v: Verdict, o: MigrateOptions, from: HostProfile, to: HostProfile): string {
  const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
  const n = (x: number) => Math.round(x).toLocaleString('en');
  const lines = [
    `${o.delta ? 'delta' : 'rehearsal'} ${from.name} -> ${to.name}: ${n(r.objects)} objects, ` +
      `${mb(r.bytes)} copied and verified in ${r.seconds.toFixed(1)} s with ${r.streams} streams`,
    `  ${mb(r.bytes_per_second)}/s, ${r.objects_per_second.toFixed(1)} objects/s; ` +
      `retries ${n(r.retries)}, throttled ${n(r.throttled)}${byKind(r)}, failed ${r.failed.length}`,
  ];
  for (const f of r.failed) lines.push(`  FAILED ${f.key}: ${f.error}`);
  lines.push(`full volume: ${human(v.volume_bytes, 'B')} in ${n(v.volume_objects)} objects (${v.volume_source})`);
  const writeCap = v.caps?.write ?? null;
  if (v.put_requests !== undefined && v.most_parts)
    lines.push(
      `  ${n(v.put_requests)} PUT requests, parts included; at most ${n(v.most_parts.parts)} parts per object ` +
        `(${human(v.most_parts.object_bytes, 'B')} objects in parts of ${human(v.most_parts.part_size, 'B')}; ` +
        `${to.name} takes at most ${n(to.limits.max_parts ?? 10000)})`,
    );
  const byRequests =
    v.seconds_by_requests === null
      ? `no write cap in ${to.name}'s profile`
      : `${duration(v.seconds_by_requests)} at ${writeCap} writes/s × ` + `${o.prefixes} bucket(s) or prefix(es)`;
  lines.push(`  by bytes: ${duration(v.seconds_by_bytes)} at the measured rate; by requests: ${byRequests}`);
  if (v.verify_seconds_by_requests)
    lines.push(`  reading every object back: ${duration(v.verify_seconds_by_requests)} at ${v.caps?.read} reads/s`);
  const margin =
    v.margin_seconds >= 0
      ? `margin ${duration(v.margin_seconds)} (${((v.margin_seconds / v.window_seconds) * 100).toFixed(0)}% ` +
        'of the window)'
      : `short by ${duration(-v.margin_seconds)}`;
  lines.push(
    `verdict: ${v.verdict} — ${duration(v.seconds)} (${v.bound} bound) ` +
      `for a window of ${duration(v.window_seconds)}; ${margin}`,
  );
  const meet = [
    `${v.to_meet.streams} streams`,
    `${v.to_meet.load_instances} load instance(s) at ${mb(r.bytes_per_second)}/s each`,
  ];
  if (v.to_meet.prefixes !== null) meet.push(`${v.to_meet.prefixes} bucket(s) or prefix(es) at ${writeCap} writes/s`);
  lines.push(`to meet the window: ${meet.join(', or ')}`);
  return lines.join('\n');
}

/** Reads every seeded object back from the target: missing, resized or altered objects are named, and so
 * is an object the source deleted since the seed that the target still holds. */
export async function verifyTarget(
  dataset: string,
  fromName: string,
  toName: string,
): Promise<{ checked: number; problems: string[] }> {
  const from = loadProfile(fromName);
  const to = loadProfile(toName);
  const seed = seedRecord(dataset, from.name);
  await preflight(from);
  await preflight(to);
  const target = access(to);
  const [onSource, onTarget] = await Promise.all([keysOn(from, `${seed.prefix}/`), keysOn(to, `${seed.prefix}/`)]);
  const problems: string[] = [];
  const seeded = seed.objects.filter((o) => o.sha256);
  for (const x of seeded) {
    if (!onSource.has(x.key)) {
      if (onTarget.has(x.key)) problems.push(`${x.key}: deleted on ${from.name} but still on ${to.name}`);
      continue;
    }
    const r = await s3Request(target, 'GET', x.key, {}, 120_000);
    if (r.status === 404) problems.push(`${x.key}: missing on ${to.name}`);
    else if (r.status !== 200) problems.push(`${x.key}: GET answered ${r.status}`);
    else if (r.body.length !== x.bytes)
      problems.push(`${x.key}: ${r.body.length} bytes on ${to.name}, ${x.bytes} at seed time`);
    else if (createHash('sha256').update(r.body).digest('hex') !== x.sha256)
      problems.push(`${x.key}: SHA-256 differs from the seed-time checksum`);
  }
  return { checked: seeded.length, problems };
}
