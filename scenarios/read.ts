// Read: the access pattern of a Parquet reader (DuckDB, Spark, Arrow) on object storage, derived from
// a real generated file's layout: HEAD, a range GET of the 8-byte tail, a range GET of the footer,
// range GETs of the column chunks a query needs, and now and then a full GET.
import { open } from 'k6/experimental/fs';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { summaryOutputs } from './lib/summary.ts';
import { makePayload } from './lib/payload.ts';
import type { Layout } from '../src/contracts/k6.ts';

const LAYOUT = JSON.parse(__ENV.LAYOUT || 'null') as Layout;
const OBJECTS = Number(__ENV.OBJECTS || 8);
const VUS = Number(__ENV.VUS || 4);
const DURATION = __ENV.DURATION || '20s';
const FULL_EVERY = Number(__ENV.FULL_EVERY || 10);
const PREFIX = __ENV.PREFIX || 'read';
// parquet: the reader's pattern on a real file; full: whole-object GETs of OBJECT_SIZE (as warp get does).
const PATTERN = __ENV.PATTERN || 'parquet';
const SIZE = Number(__ENV.OBJECT_SIZE || 4 * 1024 * 1024);
if (PATTERN === 'parquet' && (!LAYOUT || !__ENV.PARQUET))
  throw new Error('read needs PARQUET (a generated file) and LAYOUT (its byte layout)');

export const options = {
  scenarios: { read: { executor: 'constant-vus', vus: VUS, duration: DURATION } },
  discardResponseBodies: true,
  thresholds: JSON.parse(__ENV.THRESHOLDS || '{"http_req_failed":["rate<0.01"]}'),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  setupTimeout: '300s',
};

// One copy of the file for all VUs (k6/experimental/fs), read only by setup.
const file = PATTERN === 'parquet' ? await open(__ENV.PARQUET) : null;
const s3 = new S3(targetFromEnv());
const key = (i: number) => `${PREFIX}/part-${i}.parquet`;

export async function setup(): Promise<void> {
  const body = file ? new Uint8Array(LAYOUT.size) : new Uint8Array(makePayload(SIZE, 1));
  let read = 0;
  while (file && read < LAYOUT.size) {
    const n = await file.read(body.subarray(read));
    if (n === null || n === 0) break;
    read += n;
  }
  for (let i = 0; i < OBJECTS; i++) {
    const r = await s3.put(key(i), body.buffer);
    if (r.status !== 200) throw new Error(`setup: PUT ${key(i)} answered ${r.status}`);
  }
}

export default async function (): Promise<void> {
  const k = key(Math.floor(Math.random() * OBJECTS));
  if (PATTERN === 'full') {
    record('get', await s3.get(k), SIZE);
    return;
  }
  record('head', await s3.head(k), 0);
  record('get_range', await s3.get(k, [LAYOUT.size - 8, LAYOUT.size - 1]), 8);
  record('get_range', await s3.get(k, [LAYOUT.size - 8 - LAYOUT.footer, LAYOUT.size - 9]), LAYOUT.footer);
  for (const [offset, length] of LAYOUT.chunks)
    record('get_range', await s3.get(k, [offset, offset + length - 1]), length);
  if (Math.random() * FULL_EVERY < 1) record('get', await s3.get(k), LAYOUT.size);
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
