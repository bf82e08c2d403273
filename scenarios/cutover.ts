// Cutover load: constant-arrival-rate traffic through the front for the whole run, as researchers make it:
// reads of dataset objects (full GETs checked against their seed checksums, and range GETs of the first KiB
// checked for length), writes of new objects (results, exports), deletes of the oldest of them, and
// read-modify-write of a per-VU state object whose version must never go back. One log line when the load
// starts, per acknowledged write and delete, per state read and per integrity failure
// (src/contracts/events.ts), for the runner, which places them before, during or after the switch. Every
// request carries the VU's client id (a front keeps a client on one host by it) and every response's
// x-served-by header (the host that answered) is recorded with its duration.
// With TENANTS, each iteration picks a tenant and reads and writes under that tenant's prefix only.
// With CONSISTENCY_PREFIX, the consistency mix (scenarios/lib/consistency.ts) runs beside the load through
// the same front, its clients keeping their ids as the load's do: read-your-writes across the switch.
import exec from 'k6/execution';
import crypto from 'k6/crypto';
import { Counter, Trend } from 'k6/metrics';
import type { RefinedResponse, ResponseType } from 'k6/http';
import { S3, targetFromEnv } from './lib/s3.ts';
import { record } from './lib/metrics.ts';
import { makePayload } from './lib/payload.ts';
import { summaryOutputs } from './lib/summary.ts';
import { mixBesideLoad } from './lib/consistency.ts';
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
// The tenants: [{name, key_prefix, write_prefix}]; none: one group, the whole dataset and WRITE_PREFIX.
interface Tenant {
  name: string;
  key_prefix: string;
  write_prefix: string;
}
const TENANTS = JSON.parse(__ENV.TENANTS || '[]') as Tenant[];
const GROUPS = (TENANTS.length ? TENANTS : [{ name: '', key_prefix: '', write_prefix: WRITE_PREFIX }]).map((t) => ({
  ...t,
  objects: OBJECTS.filter((o) => o.key.startsWith(t.key_prefix)),
}));

// The consistency mix beside the load, when CONSISTENCY_PREFIX asks for it.
const { mix, scenarios: consistency } = mixBesideLoad(targetFromEnv, DURATION, true);

export const options = {
  scenarios: {
    ...consistency,
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
// Every response's duration, tagged with the host that served it (x-served-by, "-" without one) and its outcome.
const byHost = new Trend('cutover_host_duration', true);
const s3 = new S3(targetFromEnv());
const log = (e: CutoverEvent) => console.log(JSON.stringify({ cutover: true, ...e }));

type Group = (typeof GROUPS)[number];
// Per group: the last acknowledged version of this VU's state object, and the host that acknowledged it.
const versions: Record<string, number> = {};
const wroteOn: Record<string, string> = {};
const stateKey = (g: Group) => `${g.write_prefix}state-${exec.vu.idInTest}`;

/** The host that answered, recorded with the response's duration. */
function served(r: RefinedResponse<ResponseType>, answered = false): string {
  const host = String(r.headers['X-Served-By'] ?? '-');
  byHost.add(r.timings.duration, { host, ok: String(answered || (r.status >= 200 && r.status < 300)) });
  return host;
}

export function setup(): void {
  for (const g of GROUPS) if (g.objects.length === 0) throw new Error(`no dataset objects to read in ${g.name}`);
  log({ event: 'load', t: Date.now() });
  mix?.loadStarts();
}

export const consistencyOperations = () => mix!.operations();
export const consistencyRace = () => mix!.race();

async function read(g: Group): Promise<void> {
  const o = g.objects[Math.floor(Math.random() * g.objects.length)];
  if (Math.random() < 0.5 && o.bytes > 1024) {
    const r = await s3.get(o.key, [0, 1023], false);
    served(r);
    if (record('get_range', r, 1024) && (r.body as ArrayBuffer).byteLength !== 1024) integrity.add(1);
    return;
  }
  const r = await s3.get(o.key, undefined, false);
  served(r);
  if (!record('get', r, o.bytes)) return;
  if (crypto.sha256(r.body as ArrayBuffer, 'hex') !== o.sha256) {
    integrity.add(1);
    log({ event: 'integrity', key: o.key, t: Date.now() });
  }
}

/** This VU's acknowledged writes of new objects, the oldest first: what it may delete. */
const written: string[] = [];

async function write(g: Group): Promise<void> {
  const key = `${g.write_prefix}w-${exec.vu.idInTest}-${exec.vu.iterationInInstance}`;
  const body = makePayload(WRITE_SIZE, exec.scenario.iterationInTest + 1);
  const sha256 = crypto.sha256(body, 'hex');
  const start = Date.now();
  const r = await s3.put(key, body, { 'x-amz-meta-sha256': sha256 });
  const host = served(r);
  if (record('put', r, WRITE_SIZE)) {
    written.push(key);
    log({ event: 'write', key, sha256, bytes: WRITE_SIZE, start, t: Date.now(), host });
  }
}

/** Deletes this VU's oldest write (a researcher cleaning up an export): it must not come back. */
async function remove(): Promise<void> {
  const key = written.shift()!;
  const r = await s3.delete(key);
  const host = served(r);
  if (record('delete', r, 0)) log({ event: 'delete', key, t: Date.now(), host });
}

/** Reads this VU's state object (it must hold the last acknowledged version), then writes the next version:
 * a read through another host than the write's is the read-your-writes probe. */
async function readModifyWrite(g: Group): Promise<void> {
  const key = stateKey(g);
  const version = versions[g.name] ?? 0;
  const start = Date.now();
  if (version > 0) {
    // Not found is an answer here, not a failure: a host without the state object, measured as a stale read.
    const r = await s3.request('GET', key, null, { name: 'GetObject', op: 'get', expected: [200, 404] });
    const host = served(r, r.status === 404);
    const got =
      r.status === 200
        ? Number(String.fromCharCode(...new Uint8Array(r.body as ArrayBuffer)))
        : r.status === 404
          ? 0
          : -1;
    if (got >= 0) log({ event: 'state-read', key, got, expected: version, start, host, wrote: wroteOn[g.name] });
  }
  const body = String(version + 1);
  const sha256 = crypto.sha256(body, 'hex');
  const r = await s3.request('PUT', key, body, {
    name: 'PutObject',
    op: 'put',
    discard: true,
    headers: { 'x-amz-meta-sha256': sha256 },
  });
  const host = served(r);
  if (record('put', r, body.length)) {
    versions[g.name] = version + 1;
    wroteOn[g.name] = host;
    log({ event: 'write', key, sha256, bytes: body.length, version: version + 1, start, t: Date.now(), host });
  }
}

export default async function (): Promise<void> {
  s3.unsigned = { 'x-sndsbench-client': `vu-${exec.vu.idInTest}` };
  const g = GROUPS[Math.floor(Math.random() * GROUPS.length)];
  const x = Math.random();
  if (x < 0.5) await read(g);
  else if (x < 0.7 || written.length === 0) await write(g);
  else if (x < 0.75) await remove();
  else await readModifyWrite(g);
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
