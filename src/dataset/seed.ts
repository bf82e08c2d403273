// `sndsbench seed --host PROFILE DIR`: uploads a generated dataset (parallel multipart), records each
// object's size and SHA-256, and skips objects already there with the same checksum (resumable).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { type HostProfile } from '../hosts/profile.js';
import { sha256File, writeAtomic } from '../util/files.js';
import { type ManifestFile, datasetManifests } from '../contracts/dataset.js';
import { objectStore } from '../hosts/store.js';
import { partPlanFor } from '../hosts/parts.js';
import { forEachLimited } from '../util/pool.js';

export interface SeedOptions {
  dir: string;
  profile: HostProfile;
  prefix: string;
  concurrency: number;
  partSize: number;
  progress: boolean;
  /** Told at the end what the host throttled (answers by status) and how many requests were retried. */
  onThrottling?: (t: { throttled: string; retries: number }) => void;
}

export interface SeededObject {
  key: string;
  bytes: number;
  sha256: string;
  etag: string;
  skipped: boolean;
}

function datasetFiles(dir: string, manifests: string[]): ManifestFile[] {
  if (manifests.length === 0) throw new UsageError(`${dir} has no _manifest.json: generate a dataset first`);
  return manifests.flatMap((m) => (JSON.parse(readFileSync(join(dir, m), 'utf8')) as { files: ManifestFile[] }).files);
}

export async function seed(o: SeedOptions): Promise<SeededObject[]> {
  if (!existsSync(o.dir)) throw new UsageError(`no dataset at ${o.dir}`);
  // Every manifest goes up, but the files are listed once: from the merged manifest when there is one.
  const manifests = readdirSync(o.dir).filter((f) => /^_manifest(-\d+-of-\d+)?\.json$/.test(f));
  const files = datasetFiles(o.dir, datasetManifests(o.dir));
  const work = [
    ...files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
    ...manifests.map((m) => ({ path: m, bytes: statSync(join(o.dir, m)).size, sha256: '' })),
  ];
  // An object the host cannot take is refused before any request (an Azure container has its own rule).
  if (o.profile.kind !== 'azure-blob') for (const w of work) partPlanFor(o.profile, w.bytes, o.partSize);
  const store = await objectStore(o.profile, o.partSize);
  const total = work.reduce((s, w) => s + w.bytes, 0);
  let done = 0;
  const started = Date.now();
  const out: SeededObject[] = [];
  const tick = () => {
    if (!o.progress) return;
    const s = (Date.now() - started) / 1000;
    const frac = done / Math.max(1, total);
    const bar = '#'.repeat(Math.round(frac * 30)).padEnd(30, '.');
    const mbs = (done / 1e6 / Math.max(s, 1e-3)).toFixed(1);
    const eta = frac > 0 ? ((s / frac) * (1 - frac)).toFixed(0) : '?';
    process.stderr.write(`\r[${bar}] ${(frac * 100).toFixed(0)}%  ${mbs} MB/s  ETA ${eta}s   `);
  };
  await forEachLimited(work, o.concurrency, async (w) => {
    const key = `${o.prefix}/${w.path}`;
    const sha256 = w.sha256 || (await sha256File(join(o.dir, w.path)));
    const etag = await store.has(key, w.bytes, sha256);
    if (etag !== null) out.push({ key, bytes: w.bytes, sha256, etag, skipped: true });
    else {
      await store.put(key, join(o.dir, w.path), w.bytes, sha256);
      // Verified: the host holds the object with its size and checksum (throttled or not on the way).
      const stored = await store.has(key, w.bytes, sha256);
      if (stored === null) throw new Error(`${key}: not on ${o.profile.name} with its size and SHA-256 after upload`);
      out.push({ key, bytes: w.bytes, sha256, etag: stored, skipped: false });
    }
    done += w.bytes;
    tick();
  });
  if (o.progress) process.stderr.write('\n');
  out.sort((a, b) => a.key.localeCompare(b.key));
  writeAtomic(
    join(o.dir, `_seed-${o.profile.name}.json`),
    JSON.stringify(
      { host: o.profile.name, endpoint: o.profile.endpoint, bucket: o.profile.bucket, prefix: o.prefix, objects: out },
      null,
      1,
    ) + '\n',
  );
  store.close();
  o.onThrottling?.(store.throttling());
  return out;
}

export function defaultPrefix(dir: string): string {
  return basename(dir.replace(/\/+$/, ''));
}
