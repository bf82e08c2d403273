// `sndsbench seed --host PROFILE DIR`: uploads a generated dataset (parallel multipart), records each
// object's size and SHA-256, and skips objects already there with the same checksum (resumable).
import { createReadStream, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import https from 'node:https';
import { UsageError } from '../util/errors.js';
import { credentialsOf, type HostProfile } from '../hosts/profile.js';
import { azureAccess, preflight } from '../load/run.js';
import { azureRequest } from '../hosts/s3node.js';
import { sha256File, writeAtomic } from '../util/files.js';
import type { ManifestFile } from './generate.js';
import { datasetManifests } from './manifest.js';

export interface SeedOptions {
  dir: string;
  profile: HostProfile;
  prefix: string;
  concurrency: number;
  partSize: number;
  progress: boolean;
}

export interface SeededObject {
  key: string;
  bytes: number;
  sha256: string;
  etag: string;
  skipped: boolean;
}

/** Part size honouring the host's rules: within its bounds and at most max_parts parts (as asked without a host). */
export function partSizeFor(p: HostProfile | null, fileBytes: number, wanted: number): number {
  if (!p) return wanted;
  const min = p.limits.part_size_min ?? 5 * 1024 ** 2;
  const max = p.limits.part_size_max ?? 5 * 1024 ** 3;
  const parts = p.limits.max_parts ?? 10000;
  return Math.min(max, Math.max(min, wanted, Math.ceil(fileBytes / parts)));
}

/** PUT requests an object of `bytes` takes: one, or initiate + each part + complete. */
export function putRequests(p: HostProfile | null, bytes: number, wanted: number): number {
  const part = partSizeFor(p, bytes, wanted);
  return bytes <= part ? 1 : Math.ceil(bytes / part) + 2;
}

function datasetFiles(dir: string, manifests: string[]): ManifestFile[] {
  if (manifests.length === 0) throw new UsageError(`${dir} has no _manifest.json: generate a dataset first`);
  return manifests.flatMap((m) => (JSON.parse(readFileSync(join(dir, m), 'utf8')) as { files: ManifestFile[] }).files);
}

// The SDK warns on Node 20 about its releases of 2027; the pinned version supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function s3Client(p: HostProfile): S3Client {
  const c = credentialsOf(p);
  return new S3Client({
    endpoint: p.endpoint,
    region: p.region,
    forcePathStyle: p.addressing !== 'virtual',
    credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(p.ca_bundle ? { requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(p.ca_bundle) }) }) } : {}),
  });
}

export async function seed(o: SeedOptions): Promise<SeededObject[]> {
  if (!existsSync(o.dir)) throw new UsageError(`no dataset at ${o.dir}`);
  // Every manifest goes up, but the files are listed once: from the merged manifest when there is one.
  const manifests = readdirSync(o.dir).filter((f) => /^_manifest(-\d+-of-\d+)?\.json$/.test(f));
  const files = datasetFiles(o.dir, datasetManifests(o.dir));
  const store = await objectStore(o);
  const work = [
    ...files.map((f) => ({ path: f.path, bytes: f.bytes, sha256: f.sha256 })),
    ...manifests.map((m) => ({ path: m, bytes: statSync(join(o.dir, m)).size, sha256: '' })),
  ];
  const total = work.reduce((s, w) => s + w.bytes, 0);
  let done = 0;
  const started = Date.now();
  const out: SeededObject[] = [];
  const tick = () => {
    if (!o.progress) return;
    const s = (Date.now() - started) / 1000;
    const frac = done / Math.max(1, total);
    process.stderr.write(`\r[${'#'.repeat(Math.round(frac * 30)).padEnd(30, '.')}] ${(frac * 100).toFixed(0)}%  ${(done / 1e6 / Math.max(s, 1e-3)).toFixed(1)} MB/s  ETA ${frac > 0 ? ((s / frac) * (1 - frac)).toFixed(0) : '?'}s   `);
  };
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const w = work[next++];
      const key = `${o.prefix}/${w.path}`;
      const sha256 = w.sha256 || (await sha256File(join(o.dir, w.path)));
      const etag = await store.has(key, w.bytes, sha256);
      if (etag !== null) out.push({ key, bytes: w.bytes, sha256, etag, skipped: true });
      else out.push({ key, bytes: w.bytes, sha256, etag: await store.put(key, join(o.dir, w.path), w.bytes, sha256), skipped: false });
      done += w.bytes;
      tick();
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  if (o.progress) process.stderr.write('\n');
  out.sort((a, b) => a.key.localeCompare(b.key));
  writeAtomic(join(o.dir, `_seed-${o.profile.name}.json`), JSON.stringify({ host: o.profile.name, endpoint: o.profile.endpoint, bucket: o.profile.bucket, prefix: o.prefix, objects: out }, null, 1) + '\n');
  store.close();
  return out;
}

/** Where a dataset goes: an S3 bucket (multipart through the SDK) or an Azure Blob container. */
interface ObjectStore {
  /** The object's etag when it is there with this size and checksum, else null. */
  has(key: string, bytes: number, sha256: string): Promise<string | null>;
  put(key: string, path: string, bytes: number, sha256: string): Promise<string>;
  close(): void;
}

async function objectStore(o: SeedOptions): Promise<ObjectStore> {
  const c = await preflight(o.profile);
  if (o.profile.kind === 'azure-blob') {
    const a = azureAccess(o.profile, c);
    return {
      async has(key, bytes, sha256) {
        const r = await azureRequest(a, 'HEAD', key);
        return r.status === 200 && Number(r.headers['content-length']) === bytes && r.headers['x-ms-meta-sha256'] === sha256 ? String(r.headers.etag ?? '') : null;
      },
      async put(key, path, bytes, sha256) {
        // One Put Blob: the generated files stay far below its 5,000 MiB limit.
        const r = await azureRequest(a, 'PUT', key, { body: readFileSync(path), headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-meta-sha256': sha256 } }, 120_000);
        if (r.status !== 201) throw new Error(`Put Blob ${key} answered ${r.status}`);
        return String(r.headers.etag ?? '');
      },
      close() {},
    };
  }
  const client = s3Client(o.profile);
  return {
    async has(key, bytes, sha256) {
      const head = await client.send(new HeadObjectCommand({ Bucket: o.profile.bucket, Key: key })).catch(() => null);
      return head && head.ContentLength === bytes && head.Metadata?.sha256 === sha256 ? (head.ETag ?? '') : null;
    },
    async put(key, path, bytes, sha256) {
      const upload = new Upload({
        client,
        params: { Bucket: o.profile.bucket, Key: key, Body: createReadStream(path), Metadata: { sha256 }, ContentLength: bytes },
        partSize: partSizeFor(o.profile, bytes, o.partSize),
        queueSize: 2,
      });
      return (await upload.done()).ETag ?? '';
    },
    close: () => client.destroy(),
  };
}

/** What `seed` recorded of a dataset on a host: its prefix and every object's size and SHA-256. */
export interface SeedRecord {
  host: string;
  endpoint: string;
  bucket: string;
  prefix: string;
  objects: { key: string; bytes: number; sha256: string }[];
}

export function seedRecord(dir: string, host: string): SeedRecord {
  const path = join(dir, `_seed-${host}.json`);
  if (!existsSync(path)) throw new UsageError(`${dir} was not seeded on ${host}: run "sndsbench seed ${dir} --host ${host}" first`);
  return JSON.parse(readFileSync(path, 'utf8')) as SeedRecord;
}

export function defaultPrefix(dir: string): string {
  return basename(dir.replace(/\/+$/, ''));
}
