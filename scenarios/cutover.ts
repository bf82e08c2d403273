// Cutover load: constant-arrival-rate traffic through the front for the whole run, as researchers make it:
// reads of dataset objects (full GETs checked against their seed checksums, and range GETs of the first KiB
// checked for length), writes of new objects (results, exports), and read-modify-write of a per-VU state
// object whose version must never go back. One log line when the load starts, per acknowledged write, per
// state read and per integrity failure (src/contracts/events.ts), for the runner, which places them before,
// during or after the switch.
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import { Counter } from 'k6/metrics';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { makePayload } from './lib/payload.ts';
import { summaryOutputs } from './lib/summary.ts';
import type { CutoverEvent } from '../src/contracts/events.ts';

declare const console: { log(message: string): void };

const RATE = Number(__ENV.RATE || 40);
const DURATION = __ENV.DURATION || '60s';
// Enough VUs allocated up front for requests slowed to seconds: a VU started mid-run costs CPU and time.
const VUS = Number(__ENV.VUS || Math.max(16, 2 * RATE));
const WRITE_PREFIX = __ENV.WRITE_PREFIX || 'cutover/';
const WRITE_SIZE = Number(__ENV.WRITE_SIZE || 16 * 1024);
// The dataset objects to read: [{key, bytes, sha256}] from the seed record.
const OBJECTS = JSON.parse(open(__ENV.OBJECTS)) as { key: string; bytes: number; sha256: string }[];

export const options = {
  scenarios: {
    cutover: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: VUS,
      maxVUs: VUS * 4,
    },
  },
  // DNS-based switches: keep-alive connections would stay on the old host.
  noConnectionReuse: __ENV.NO_REUSE === 'true',
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  thresholds: {},
};

const integrity = new Counter('cutover_integrity_failures');
const s3 = new S3(targetFromEnv());
const log = (e: CutoverEvent) => console.log(JSON.stringify({ cutover: true, ...e }));

let version = 0; // the last acknowledged version of this VU's state object
const stateKey = () => `${WRITE_PREFIX}state-${exec.vu.idInTest}`;

export function setup(): void {
  if (OBJECTS.length === 0) throw new Error('no dataset objects to read');
  log({ event: 'load', t: Date.now() });
}

function read(): void {
  const o = OBJECTS[Math.floor(Math.random() * OBJECTS.length)];
  if (Math.random() < 0.5 && o.bytes > 1024) {
    const r = s3.get(o.key, [0, 1023], false);
    if (record('get_range', r, 1024) && (r.body as ArrayBuffer).byteLength !== 1024) integrity.add(1);
    return;
  }
  const r = s3.get(o.key, undefined, false);
  if (!record('get', r, o.bytes)) return;
  if (crypto.sha256(r.body as ArrayBuffer, 'hex') !== o.sha256) {
    integrity.add(1);
    log({ event: 'integrity', key: o.key, t: Date.now() });
  }
}

function write(): void {
  const key = `${WRITE_PREFIX}w-${exec.vu.idInTest}-${exec.vu.iterationInInstance}`;
  const body = makePayload(WRITE_SIZE, exec.scenario.iterationInTest + 1);
  const sha256 = crypto.sha256(body, 'hex');
  const start = Date.now();
  if (record('put', s3.put(key, body, { 'x-amz-meta-sha256': sha256 }), WRITE_SIZE))
    log({ event: 'write', key, sha256, bytes: WRITE_SIZE, start, t: Date.now() });
}

/** Reads this VU's state object (it must hold the last acknowledged version), then writes the next version. */
function readModifyWrite(): void {
  const key = stateKey();
  const start = Date.now();
  if (version > 0) {
    const r = s3.get(key, undefined, false);
    const got =
      r.status === 200
        ? Number(String.fromCharCode(...new Uint8Array(r.body as ArrayBuffer)))
        : r.status === 404
          ? 0
          : -1;
    if (got >= 0) log({ event: 'state-read', key, got, expected: version, start });
  }
  const body = String(version + 1);
  const sha256 = crypto.sha256(body, 'hex');
  if (
    record(
      'put',
      s3.request('PUT', key, body, {
        name: 'PutObject',
        op: 'put',
        discard: true,
        headers: { 'x-amz-meta-sha256': sha256 },
      }),
      body.length,
    )
  ) {
    version++;
    log({ event: 'write', key, sha256, bytes: body.length, version, start, t: Date.now() });
  }
}

export default function (): void {
  const x = Math.random();
  if (x < 0.5) read();
  else if (x < 0.75) write();
  else readModifyWrite();
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
