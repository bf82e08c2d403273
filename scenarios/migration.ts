// Migration rehearsal: lists a seeded dataset on the source (S3 or Azure Blob), copies every object (with
// PREVIOUS, those new or changed since that copy, and deletes those the source deleted since) to the
// target with STREAMS parallel streams (one PUT, or multipart parts of one size within the target's rules,
// the last one shorter), retrying failures, then reads every copy back and checks its size and SHA-256
// against the checksum recorded at seed time (the source content's for an object changed since). One log
// line per object and phase (src/contracts/events.ts), for the runner.
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import { Counter } from 'k6/metrics';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record, recordStatus } from './lib/metrics.ts';
import { summaryOutputs } from './lib/summary.ts';
import { partSize, S3_PART_RULES } from './lib/parts.ts';
import { uploadParts } from './lib/upload.ts';
import { azureSource, s3Source, type Listed, type Source } from './lib/source.ts';
import { delay } from './lib/delay.ts';
import type { MigrationEvent } from '../src/contracts/events.ts';

const STREAMS = Number(__ENV.STREAMS || 4);
const PREFIX = __ENV.PREFIX || '';
const TARGET_PREFIX = __ENV.TARGET_PREFIX ?? PREFIX;
const RETRIES = Number(__ENV.RETRIES || 4);
// The target's part rules (from its profile): parts of PART_SIZE, raised to fit MAX_PARTS, within bounds.
const PART_SIZE = Number(__ENV.PART_SIZE || 16 * 1024 * 1024);
const RULES = {
  min: Number(__ENV.PART_MIN || S3_PART_RULES.min),
  max: Number(__ENV.PART_MAX || S3_PART_RULES.max),
  maxParts: Number(__ENV.MAX_PARTS || S3_PART_RULES.maxParts),
};
// Seed-time checksums {key: {bytes, sha256}}, and for --delta the previous copy's etags {key: etag}.
const CHECKSUMS = JSON.parse(__ENV.CHECKSUMS ? open(__ENV.CHECKSUMS) : '{}') as Record<
  string,
  { bytes: number; sha256: string }
>;
const PREVIOUS = __ENV.PREVIOUS ? (JSON.parse(open(__ENV.PREVIOUS)) as Record<string, string>) : null;

export const options = {
  scenarios: {
    migration: { executor: 'per-vu-iterations', vus: STREAMS, iterations: 1, maxDuration: __ENV.MAX_DURATION || '30m' },
  },
  thresholds: JSON.parse(__ENV.THRESHOLDS || '{"migration_failed":["count<1"]}'),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  setupTimeout: '300s',
};

// k6 provides console; its type declarations do not.
declare const console: { log(message: string): void };

const retries = new Counter('migration_retries');
const failed = new Counter('migration_failed');
const target = new S3(targetFromEnv());

function source(): Source {
  if (__ENV.SOURCE_KIND === 'azure-blob') {
    return azureSource({
      endpoint: __ENV.SOURCE_ENDPOINT,
      account: __ENV.SOURCE_ACCESS_KEY,
      key: __ENV.SOURCE_SECRET_KEY,
      container: __ENV.SOURCE_BUCKET,
      sas: __ENV.SOURCE_SAS || undefined,
    });
  }
  return s3Source(
    new S3({
      endpoint: __ENV.SOURCE_ENDPOINT,
      bucket: __ENV.SOURCE_BUCKET,
      region: __ENV.SOURCE_REGION || 'us-east-1',
      accessKey: __ENV.SOURCE_ACCESS_KEY,
      secretKey: __ENV.SOURCE_SECRET_KEY,
      pathStyle: __ENV.SOURCE_PATH_STYLE !== 'false',
    }),
  );
}
const from = source();
const log = (e: MigrationEvent) => console.log(JSON.stringify(e));

interface Work {
  todo: Listed[];
  /** Keys copied before (PREVIOUS) that the source no longer lists: deleted there since. */
  gone: string[];
}

/** The objects to copy: all of them, or with PREVIOUS only those new or changed since that copy. */
export async function setup(): Promise<Work> {
  const listed = await from.list(PREFIX);
  const todo = PREVIOUS ? listed.filter((o) => PREVIOUS[o.key] !== o.etag) : listed;
  const present = new Set(listed.map((o) => o.key));
  const gone = PREVIOUS ? Object.keys(PREVIOUS).filter((k) => !present.has(k)) : [];
  log({ migration: 'listed', objects: listed.length, todo: todo.length, gone: gone.length });
  // Largest first, dealt round-robin: the streams get equal shares of bytes.
  return { todo: todo.sort((a, b) => b.size - a.size || (a.key < b.key ? -1 : 1)), gone: gone.sort() };
}

const targetKey = (key: string) => TARGET_PREFIX + key.slice(PREFIX.length);

/** Writes one object to the target; true when every request was acknowledged. */
async function put(key: string, body: ArrayBuffer, sha256: string): Promise<boolean> {
  const meta = { 'x-amz-meta-sha256': sha256 };
  const part = partSize(body.byteLength, PART_SIZE, RULES);
  if (body.byteLength <= part) return record('put', await target.put(key, body, meta), body.byteLength);
  let id: string;
  try {
    id = await target.createMultipart(key, meta);
  } catch {
    return false;
  }
  return uploadParts(target, key, id, body.byteLength, part, (offset, length) => body.slice(offset, offset + length));
}

type Outcome = { ok: boolean; attempts: number; error: string; sha256: string };

/** Copies one object, retrying with backoff; the checksum is the seed's, else the source content's. */
async function copy(o: Listed): Promise<Outcome> {
  let error = '';
  for (let attempt = 1; attempt <= RETRIES + 1; attempt++) {
    if (attempt > 1) {
      retries.add(1);
      await delay(Math.min(3, 0.2 * 2 ** (attempt - 2)));
    }
    const got = await from.get(o.key);
    if (!recordStatus('source_get', got.status, o.size) || !got.body) {
      error = `source GET answered ${got.status}`;
      continue;
    }
    // An object changed after seeding (a delta) or never seeded: its content is the truth. Metadata
    // is not: a server may keep an old x-amz-meta-sha256 across an overwrite.
    const expected = (PREVIOUS ? undefined : CHECKSUMS[o.key]?.sha256) ?? crypto.sha256(got.body, 'hex');
    if (got.body.byteLength !== o.size) {
      error = `source sent ${got.body.byteLength} bytes of ${o.size}`;
      continue;
    }
    if (!(await put(targetKey(o.key), got.body, expected))) {
      error = 'target PUT failed';
      continue;
    }
    return { ok: true, attempts: attempt, error: '', sha256: expected };
  }
  return { ok: false, attempts: RETRIES + 1, error, sha256: '' };
}

/** Reads the copy back: same size and SHA-256 as recorded, else the object is named as failed. */
async function verify(o: Listed, sha256: string): Promise<string> {
  for (let attempt = 1; attempt <= RETRIES + 1; attempt++) {
    const r = await target.get(targetKey(o.key), undefined, false);
    if (r.status !== 200) {
      if (attempt <= RETRIES) {
        retries.add(1);
        await delay(Math.min(3, 0.2 * 2 ** (attempt - 1)));
        continue;
      }
      return `target GET answered ${r.status}`;
    }
    const body = r.body as ArrayBuffer;
    if (body.byteLength !== o.size) return `size ${body.byteLength}, expected ${o.size}`;
    const got = crypto.sha256(body, 'hex');
    if (got !== sha256) return `sha256 ${got.slice(0, 12)}…, expected ${sha256.slice(0, 12)}…`;
    return '';
  }
  return 'unreachable';
}

/** Deletes from the target an object the source deleted, then checks that it is gone. */
async function remove(key: string): Promise<string> {
  for (let attempt = 1; attempt <= RETRIES + 1; attempt++) {
    if (attempt > 1) {
      retries.add(1);
      await delay(Math.min(3, 0.2 * 2 ** (attempt - 2)));
    }
    const d = await target.delete(targetKey(key));
    if (d.status !== 204 && d.status !== 200 && d.status !== 404) continue;
    const r = await target.head(targetKey(key));
    if (r.status === 404) return '';
    if (attempt > RETRIES) return `still on the target after DELETE (HEAD answered ${r.status})`;
  }
  return 'target DELETE failed';
}

export default async function (work: Work): Promise<void> {
  const ours = <T>(_: T, i: number) => i % STREAMS === exec.vu.idInTest - 1;
  for (const key of work.gone.filter(ours)) {
    const error = await remove(key);
    log({ migration: 'delete', key, ok: error === '', error });
    if (error) failed.add(1);
  }
  const mine = work.todo.filter(ours);
  const copied: [Listed, string][] = [];
  for (const o of mine) {
    const start = Date.now();
    const r = await copy(o);
    const end = Date.now();
    log({
      migration: 'copy',
      key: o.key,
      etag: o.etag,
      bytes: o.size,
      ok: r.ok,
      attempts: r.attempts,
      error: r.error,
      start,
      end,
    });
    if (r.ok) copied.push([o, r.sha256]);
    else failed.add(1);
  }
  for (const [o, sha256] of copied) {
    const error = await verify(o, sha256);
    log({ migration: 'verify', key: o.key, ok: error === '', error });
    if (error) failed.add(1);
  }
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
