// Mirror load: constant-arrival-rate traffic on the old host for the whole run, as researchers make it
// while both hosts are kept in step: reads of dataset objects (full GETs checked against their seed
// checksums, and range GETs of the first KiB checked for length), writes of new objects, overwrites and
// deletes of objects this VU wrote earlier (each key has one writer, so its changes come in order and a
// deleted key is never written again). One log line when the load starts, per acknowledged change and
// per integrity failure (src/contracts/events.ts): the runner measures how long the new host takes to
// show each change.
// With CONSISTENCY_PREFIX, the consistency mix (scenarios/lib/consistency.ts) runs beside the load on the
// host CONSISTENCY_S3_* names (the new host): clients writing there while the replication writes too.
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import { Counter } from 'k6/metrics';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { makePayload } from './lib/payload.ts';
import { summaryOutputs } from './lib/summary.ts';
import { mixBesideLoad } from './lib/consistency.ts';
import type { MirrorEvent } from '../src/contracts/events.ts';

declare const console: { log(message: string): void };

const RATE = Number(__ENV.RATE || 20);
const DURATION = __ENV.DURATION || '60s';
// Enough VUs allocated up front for requests slowed to seconds: a VU started mid-run costs CPU and time.
const VUS = Number(__ENV.VUS || Math.max(16, 2 * RATE));
const WRITE_PREFIX = __ENV.WRITE_PREFIX || 'mirror/';
const WRITE_SIZE = Number(__ENV.WRITE_SIZE || 16 * 1024);
// The dataset objects to read: [{key, bytes, sha256}] from the seed record.
const OBJECTS = JSON.parse(open(__ENV.OBJECTS)) as { key: string; bytes: number; sha256: string }[];

// The consistency mix beside the load, when CONSISTENCY_PREFIX asks for it.
const { mix, scenarios: consistency } = mixBesideLoad(() => targetFromEnv('CONSISTENCY_S3'), DURATION);

export const options = {
  scenarios: {
    ...consistency,
    mirror: {
      executor: 'constant-arrival-rate',
      rate: RATE,
      timeUnit: '1s',
      duration: DURATION,
      preAllocatedVUs: VUS,
      maxVUs: VUS * 4,
    },
  },
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  // Not judged: in k6 a threshold on a sub-metric is what puts it in the summary, and the runner counts the
  // load's own requests and errors from these, apart from the consistency mix's (its own scenarios).
  thresholds: {
    'http_reqs{scenario:mirror}': ['count>=0'],
    's3_errors{scenario:mirror}': ['count>=0'],
  },
};

const integrity = new Counter('mirror_integrity_failures');
const s3 = new S3(targetFromEnv());
const log = (e: MirrorEvent) => console.log(JSON.stringify({ mirror: true, ...e }));

/** The keys this VU wrote and has not deleted. */
const live: string[] = [];

export function setup(): void {
  if (OBJECTS.length === 0) throw new Error('no dataset objects to read');
  log({ event: 'load', t: Date.now() });
  mix?.loadStarts();
}

export const consistencyOperations = () => mix!.operations();
export const consistencyRace = () => mix!.race();

async function read(): Promise<void> {
  const o = OBJECTS[Math.floor(Math.random() * OBJECTS.length)];
  if (Math.random() < 0.5 && o.bytes > 1024) {
    const r = await s3.get(o.key, [0, 1023], false);
    if (record('get_range', r, 1024) && (r.body as ArrayBuffer).byteLength !== 1024) integrity.add(1);
    return;
  }
  const r = await s3.get(o.key, undefined, false);
  if (!record('get', r, o.bytes)) return;
  if (crypto.sha256(r.body as ArrayBuffer, 'hex') !== o.sha256) {
    integrity.add(1);
    log({ event: 'integrity', key: o.key, t: Date.now() });
  }
}

/** A new body (every iteration's differs) under `key`, logged once acknowledged. */
async function put(key: string, kind: 'write' | 'overwrite'): Promise<boolean> {
  const body = makePayload(WRITE_SIZE, exec.scenario.iterationInTest + 1);
  const sha256 = crypto.sha256(body, 'hex');
  if (!record('put', await s3.put(key, body, { 'x-amz-meta-sha256': sha256 }), WRITE_SIZE)) return false;
  log({ event: 'mutation', kind, key, sha256, md5: crypto.md5(body, 'hex'), t: Date.now() });
  return true;
}

async function write(): Promise<void> {
  const key = `${WRITE_PREFIX}w-${exec.vu.idInTest}-${exec.vu.iterationInInstance}`;
  if (await put(key, 'write')) live.push(key);
}

async function overwrite(): Promise<void> {
  await put(live[Math.floor(Math.random() * live.length)], 'overwrite');
}

async function remove(): Promise<void> {
  const i = Math.floor(Math.random() * live.length);
  const key = live[i];
  const r = await s3.delete(key);
  if (!record('delete', r, 0)) return;
  live.splice(i, 1);
  log({ event: 'mutation', kind: 'delete', key, t: Date.now() });
}

export default async function (): Promise<void> {
  const x = Math.random();
  if (x < 0.5) await read();
  else if (x < 0.7 || live.length === 0) await write();
  else if (x < 0.85) await overwrite();
  else await remove();
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
