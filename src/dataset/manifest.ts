// `sndsbench manifest merge DIR... | s3://bucket/prefix`: checks that the N shards of a dataset are all
// there, generated with the same seed and parameters, without overlap and complete, then writes the
// dataset manifest.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { writeAtomic } from '../util/files.js';
import type { HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access, list } from '../hosts/sync.js';
import { type Manifest, type ManifestFile } from '../contracts/dataset.js';

export interface MergeResult {
  ok: boolean;
  problems: string[];
  manifest?: Manifest;
  path?: string;
}

interface ShardManifest {
  dir: string;
  name: string;
  index: number;
  count: number;
  m: Manifest;
}

function shardManifests(dirs: string[]): ShardManifest[] {
  const out: ShardManifest[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    for (const name of readdirSync(dir).filter((f) => /^_manifest-\d+-of-\d+\.json$/.test(f))) {
      const [, i, n] = /^_manifest-(\d+)-of-(\d+)\.json$/.exec(name)!;
      out.push({ dir, name, index: Number(i), count: Number(n), m: JSON.parse(readFileSync(join(dir, name), 'utf8')) });
    }
  }
  if (out.length === 0) throw new UsageError(`no shard manifest (_manifest-i-of-N.json) in ${dirs.join(', ')}`);
  return out;
}

function withoutShard(parameters: Record<string, unknown>): Record<string, unknown> {
  const rest = { ...parameters };
  delete rest.shard;
  return rest;
}

/** A file's size where the shards' files are, or null when it is not there. */
type SizeOf = (path: string) => number | null;
const onDisk: SizeOf = (path) => (existsSync(path) ? statSync(path).size : null);

export function mergeManifests(dirs: string[], outDir = dirs[0], sizeOf = onDisk): MergeResult {
  const shards = shardManifests(dirs);
  const problems: string[] = [];
  const counts = [...new Set(shards.map((s) => s.count))];
  if (counts.length > 1) problems.push(`shards disagree on their number: ${counts.join(', ')}`);
  const n = Math.max(...counts);
  const common = (s: ShardManifest) => {
    return JSON.stringify({ ...withoutShard(s.m.parameters), epoch: s.m.epoch, version: s.m.version });
  };
  const reference = common(shards[0]);
  for (const s of shards) {
    if (common(s) !== reference)
      problems.push(
        `shard ${s.index}/${s.count} (${join(s.dir, s.name)}) ` +
          `has other parameters than shard ${shards[0].index}: ${common(s)}`,
      );
  }
  for (let i = 0; i < n; i++) {
    const found = shards.filter((s) => s.index === i);
    if (found.length === 0) problems.push(`shard ${i}/${n} is missing`);
    if (found.length > 1)
      problems.push(`shard ${i}/${n} appears ${found.length} times (${found.map((s) => s.dir).join(', ')})`);
  }
  const seen = new Map<string, number>();
  const files: ManifestFile[] = [];
  for (const s of shards) {
    for (const f of s.m.files) {
      const name = f.path.split('/').pop()!;
      const owner = /^part-(\d+)-/.exec(name)?.[1];
      if (owner !== undefined && Number(owner) !== s.index)
        problems.push(`shard ${s.index}/${n} lists ${f.path}, a file of shard ${owner}`);
      if (seen.has(f.path)) problems.push(`${f.path} is in shard ${seen.get(f.path)} and shard ${s.index}`);
      seen.set(f.path, s.index);
      const abs = join(s.dir, f.path);
      const size = sizeOf(abs);
      if (size === null) problems.push(`shard ${s.index}/${n}: ${f.path} is missing`);
      else if (size !== f.bytes)
        problems.push(`shard ${s.index}/${n}: ${f.path} has ${size} bytes, the manifest says ${f.bytes}`);
      files.push({ ...f, path: relative(resolve(outDir), resolve(abs)) });
    }
  }
  if (problems.length) return { ok: false, problems };
  const rows: Record<string, number> = {};
  for (const f of files) rows[f.table] = (rows[f.table] ?? 0) + f.rows;
  const first = shards[0].m;
  const seconds = shards.reduce((s, x) => s + (x.m.generation_seconds ?? 0), 0);
  const manifest: Manifest = {
    ...first,
    parameters: { ...withoutShard(first.parameters), shards: n },
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
    rows,
    generation_seconds: seconds,
  };
  const path = join(outDir, '_manifest.json');
  writeAtomic(path, JSON.stringify(manifest, null, 1) + '\n');
  return { ok: true, problems, manifest, path };
}

/** The same check for shards written straight to a bucket (generate --out s3://...): the shard
 * manifests are read from it, every file checked against its listing, and _manifest.json written to it. */
export async function mergeBucketManifests(url: string, profile: HostProfile): Promise<MergeResult> {
  const m = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(url);
  if (!m) throw new UsageError(`${url}: write s3://bucket/prefix`);
  const a = access({ ...profile, bucket: m[1] });
  const prefix = m[2] ? `${m[2]}/` : '';
  const listing = await list(a, prefix);
  const local = mkdtempSync(join(tmpdir(), 'sndsbench-merge-'));
  try {
    for (const key of [...listing.keys()].filter((k) => /^_manifest-\d+-of-\d+\.json$/.test(k.slice(prefix.length)))) {
      const r = await s3Request(a, 'GET', key);
      if (r.status !== 200) throw new Error(`GET ${key} answered ${r.status}`);
      writeFileSync(join(local, key.slice(prefix.length)), r.body);
    }
    if (readdirSync(local).length === 0) throw new UsageError(`no shard manifest (_manifest-i-of-N.json) under ${url}`);
    const result = mergeManifests([local], local, (path) => listing.get(prefix + relative(local, path))?.[0] ?? null);
    if (!result.ok) return result;
    const put = await s3Request(a, 'PUT', `${prefix}_manifest.json`, { body: readFileSync(result.path!) });
    if (put.status !== 200) throw new Error(`PUT ${prefix}_manifest.json answered ${put.status}`);
    return { ...result, path: `s3://${m[1]}/${prefix}_manifest.json` };
  } finally {
    rmSync(local, { recursive: true, force: true });
  }
}
