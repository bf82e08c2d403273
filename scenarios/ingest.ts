// Ingest: PUT of synthetic objects of a Parquet file's size, single or multipart, at a fixed concurrency
// (as warp does) or at a fixed arrival rate (requests/s; dropped iterations show when the host cannot keep up).
import exec from 'k6/execution';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { makePayload } from './lib/payload.ts';
import { summaryOutputs } from './lib/summary.ts';
import { uploadParts } from './lib/upload.ts';

const MODE = __ENV.MODE || 'vus'; // vus | rate
const SIZE = Number(__ENV.OBJECT_SIZE || 8 * 1024 * 1024);
const PART = Number(__ENV.PART_SIZE || 0); // 0: single PUT
const VUS = Number(__ENV.VUS || 4);
const DURATION = __ENV.DURATION || '20s';
const RATE = Number(__ENV.RATE || 10);
const PREFIX = __ENV.PREFIX || 'ingest';

export const options = {
  scenarios: {
    ingest:
      MODE === 'rate'
        ? {
            executor: 'constant-arrival-rate',
            rate: RATE,
            timeUnit: '1s',
            duration: DURATION,
            preAllocatedVUs: VUS,
            maxVUs: VUS * 4,
          }
        : { executor: 'constant-vus', vus: VUS, duration: DURATION },
  },
  discardResponseBodies: true,
  thresholds: JSON.parse(__ENV.THRESHOLDS || '{"http_req_failed":["rate<0.01"]}'),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
};

const s3 = new S3(targetFromEnv());
const body = PART > 0 ? makePayload(PART, __VU) : makePayload(SIZE, __VU);
const lastPart = PART > 0 && SIZE % PART !== 0 ? makePayload(SIZE % PART, __VU) : null;

export default async function (): Promise<void> {
  const key = `${PREFIX}/${exec.vu.idInTest}-${exec.vu.iterationInInstance}.parquet`;
  if (PART === 0) {
    record('put', await s3.put(key, body), SIZE);
    return;
  }
  const id = await s3.createMultipart(key);
  await uploadParts(s3, key, id, SIZE, PART, (_, length) => (length < PART ? lastPart! : body));
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
