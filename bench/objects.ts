// The engine's side of `npm run bench:load`: whole-object PUTs or GETs at a fixed concurrency (OP, SIZE,
// VUS, DURATION), or GETs at a constant arrival rate (RATE), signed as the scenarios sign. A k6 script:
// `k6 run bench/objects.ts` runs it too.
import http from 'k6/http';
import exec from 'k6/execution';
import { Counter } from 'k6/metrics';
import { amzDate, sign, UNSIGNED, uriEncode } from '../scenarios/lib/sigv4.ts';
import { k6Hashing } from '../scenarios/lib/k6crypto.ts';

const OP = __ENV.OP || 'get';
const SIZE = Number(__ENV.SIZE || 4 * 1024 * 1024);
const VUS = Number(__ENV.VUS || 4);
const DURATION = __ENV.DURATION || '10s';
const OBJECTS = Number(__ENV.OBJECTS || 16);
const RATE = Number(__ENV.RATE || 0);
const PREFIX = __ENV.PREFIX || 'bench';
const endpoint = (__ENV.S3_ENDPOINT || '').replace(/\/$/, '');
const host = endpoint.replace(/^https?:\/\//, '');
const creds = { accessKey: __ENV.S3_ACCESS_KEY || '', secretKey: __ENV.S3_SECRET_KEY || '', region: 'us-east-1' };

export const options = {
  scenarios: {
    bench: RATE
      ? { executor: 'constant-arrival-rate', rate: RATE, duration: DURATION, preAllocatedVUs: VUS, maxVUs: VUS * 4 }
      : { executor: 'constant-vus', vus: VUS, duration: DURATION },
  },
  discardResponseBodies: true,
  summaryTrendStats: ['avg', 'med', 'p(99)', 'max', 'count'],
};

const moved = new Counter('bench_bytes');
const body = OP === 'put' ? new Uint8Array(SIZE).buffer : null;

export default async function (): Promise<void> {
  const n = exec.scenario.iterationInTest;
  const key = OP === 'put' ? `${PREFIX}/put-${exec.vu.idInTest}-${n}` : `${PREFIX}/${n % OBJECTS}`;
  const path = `/${__ENV.S3_BUCKET}/${key}`;
  const method = OP === 'put' ? 'PUT' : 'GET';
  const headers = sign(k6Hashing, creds, { method, host, path, payloadHash: UNSIGNED, amzDate: amzDate(new Date()) });
  const r = await http.asyncRequest(method, `${endpoint}${uriEncode(path, true)}`, body, {
    headers,
    tags: { name: method },
    responseType: 'none',
  });
  if (r.status === 200) moved.add(SIZE);
}

export function handleSummary(): Record<string, string> {
  return {};
}
