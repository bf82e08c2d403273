// A run's segments written by several machines (the pods of deploy/k8s/load-job.yaml): each pod puts
// its segment's files under s3://bucket/prefix/<run>/, and `sndsbench results merge` brings them back
// into one results folder, as `manifest merge` does for a dataset's shards.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../util/errors.js';
import type { HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access, list } from '../hosts/sync.js';

/** s3://bucket/prefix, split; null for a local folder. */
export function bucketUrl(url: string): { bucket: string; prefix: string } | null {
  if (!url.startsWith('s3:')) return null;
  const m = /^s3:\/\/([^/]+)\/?(.*?)\/?$/.exec(url);
  if (!m) throw new UsageError(`${url}: write s3://bucket/prefix`);
  return { bucket: m[1], prefix: m[2] ? `${m[2]}/` : '' };
}

/** The files of segment `index` in `dir`, put under prefix/<run folder name>/ of the bucket. */
export async function pushSegment(dir: string, index: number, url: string, profile: HostProfile): Promise<string> {
  const at = bucketUrl(url)!;
  const a = access({ ...profile, bucket: at.bucket });
  const run = basename(dir);
  const mine = readdirSync(dir).filter((f) => new RegExp(`^[a-z]+-${index}\\.json(\\.gz)?$`).test(f));
  for (const f of mine) {
    const key = `${at.prefix}${run}/${f}`;
    const r = await s3Request(a, 'PUT', key, { body: readFileSync(join(dir, f)) }, 300_000);
    if (r.status !== 200) throw new Error(`PUT ${key} answered ${r.status}`);
  }
  return `s3://${at.bucket}/${at.prefix}${run}/`;
}

/** Every file under s3://bucket/prefix/ copied into `into` (a run's segments, before they are merged). */
export async function pullRun(url: string, profile: HostProfile, into: string): Promise<void> {
  const at = bucketUrl(url)!;
  const a = access({ ...profile, bucket: at.bucket });
  const keys = [...(await list(a, at.prefix)).keys()].filter((k) => !k.slice(at.prefix.length).includes('/'));
  if (keys.length === 0) throw new UsageError(`nothing under ${url}`);
  mkdirSync(into, { recursive: true });
  for (const key of keys) {
    const r = await s3Request(a, 'GET', key, {}, 300_000);
    if (r.status !== 200) throw new Error(`GET ${key} answered ${r.status}`);
    writeFileSync(join(into, key.slice(at.prefix.length)), r.body);
  }
}
