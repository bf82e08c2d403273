// Mixed: a research platform's day on object storage, as a weighted mix (MIX) of small range reads (the
// first 64 KiB of an object), full GETs, PUTs of results, HEADs and LISTs of a prefix. The objects are
// synthetic payloads named .parquet, not Parquet files: no footer or column chunk is followed here (the
// read scenario does that, on a real file's layout).
import exec from 'k6/execution';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { makePayload } from './lib/payload.ts';
import { summaryOutputs } from './lib/summary.ts';

const VUS = Number(__ENV.VUS || 4);
const DURATION = __ENV.DURATION || '20s';
const SIZE = Number(__ENV.OBJECT_SIZE || 1024 * 1024);
const OBJECTS = Number(__ENV.OBJECTS || 16);
const PREFIX = __ENV.PREFIX || 'mixed';
/** Weights of each operation, in percent. */
const MIX = JSON.parse(__ENV.MIX || '{"get_range":45,"get":15,"put":15,"head":15,"list":10}') as Record<string, number>;

export const options = {
  scenarios: { mixed: { executor: 'constant-vus', vus: VUS, duration: DURATION } },
  discardResponseBodies: true,
  thresholds: JSON.parse(__ENV.THRESHOLDS || '{"http_req_failed":["rate<0.01"]}'),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const s3 = new S3(targetFromEnv());
const body = makePayload(SIZE, __VU);
const key = (i: number) => `${PREFIX}/data/part-${i}.parquet`;

export async function setup(): Promise<void> {
  for (let i = 0; i < OBJECTS; i++) {
    const r = await s3.put(key(i), makePayload(SIZE, i));
    if (r.status !== 200) throw new Error(`setup: PUT ${key(i)} answered ${r.status}`);
  }
}

const ops = Object.keys(MIX);
const total = ops.reduce((s, k) => s + MIX[k], 0);

export default async function (): Promise<void> {
  let x = Math.random() * total;
  const op = ops.find((o) => (x -= MIX[o]) < 0) ?? ops[ops.length - 1];
  const k = key(Math.floor(Math.random() * OBJECTS));
  if (op === 'get_range') record(op, await s3.get(k, [0, Math.min(SIZE, 65536) - 1]), Math.min(SIZE, 65536));
  else if (op === 'get') record(op, await s3.get(k), SIZE);
  else if (op === 'put')
    record(
      op,
      await s3.put(`${PREFIX}/results/${exec.vu.idInTest}-${exec.vu.iterationInInstance}.parquet`, body),
      SIZE,
    );
  else if (op === 'head') record(op, await s3.head(k), 0);
  else if (op === 'list') record(op, await s3.list(`${PREFIX}/data/`, 100), 0);
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
