// What a store promises, tested on the lab. One strongly consistent server shows no read or listing
// anomaly. The lagging front (reads shared with a replica the reference replication copies every 2 s)
// shows read-after-create anomalies, as many as the replica's lag implies: that lag is measured apart,
// by listing the replica every 100 ms, and the reads it served come from the front's x-served-by header,
// not from the analysis. Two gateway processes serving one directory behind a balancer lose conditional
// races, named by key. Bad input is one line, exit 2, nothing sent.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { loadLabCredentials, loadProfile } from '../src/hosts/profile.js';
import { access, removeAll } from '../src/hosts/sync.js';
import { listening } from '../src/hosts/lab.js';
import { findTool } from '../src/util/paths.js';
import { Probe } from '../src/load/mirror-probe.js';
import { ANOMALY_KINDS, type ConsistencyResult } from '../src/contracts/results.js';
import type { OperationEvent } from '../src/contracts/events.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('consistency');
const results = join(work, 'results');
const BASE = Number(process.env.SNDSBENCH_LAB_BASE_PORT || 17070);

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** `consistency --json` with the options given, without blocking this process (a probe runs in it). */
async function consistency(host: string, options: Record<string, string>, into = results) {
  const args = ['consistency', '--host', host, '--results', into, '--json'];
  const child = spawn('node', [CLI, ...args, ...Object.entries(options).flatMap(([k, v]) => [`--${k}`, v])], {
    env: { ...process.env, CI: 'true' },
  });
  let [stdout, stderr] = ['', ''];
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const status = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  const report = stdout.trim() ? (JSON.parse(stdout) as ConsistencyResult & { dir: string }) : null;
  return { status, report, stderr };
}

const operations = (dir: string) =>
  gunzipSync(readFileSync(join(dir, 'operations.jsonl.gz')))
    .toString()
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OperationEvent);

/** Processes a test starts, stopped after the file. */
const children: number[] = [];
afterAll(() => {
  for (const pid of children) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

describe.skipIf(skip)('consistency: anomalies and conditional races on the lab', () => {
  beforeAll(() => {
    mkdirSync(results, { recursive: true });
    const up = cli(['lab', 'up']);
    expect(up.status, up.stderr).toBe(0);
  });
  afterAll(() => {
    cli(['lab', 'down']);
  });

  it('bad input: one line, exit 2, nothing sent', async () => {
    const bad: [string, Record<string, string>, RegExp][] = [
      ['no-such-host', {}, /no-such-host/],
      ['local-source', { mix: 'create=10,copy=5' }, /--mix must be shares of create/],
      ['local-source', { duration: 'ten seconds' }, /--duration must be a duration/],
    ];
    const folder = join(work, 'never');
    // At once: each is a process of its own that must stop before sending anything.
    const runs = await Promise.all(bad.map(([host, options]) => consistency(host, options, folder)));
    for (const [i, r] of runs.entries()) {
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(bad[i][2]);
    }
    expect(existsSync(folder)).toBe(false);
  });

  it('one server: no read or listing anomaly of any kind; conditional rounds lost are named by key', async () => {
    const { status, report, stderr } = await consistency('local-source', { duration: '6s', vus: '4' });
    expect(report, stderr).not.toBeNull();
    const r = report!;
    for (const k of ANOMALY_KINDS) {
      expect(r.kinds[k].checks, k).toBeGreaterThan(20);
      expect(r.kinds[k].anomalies, k).toBe(0);
    }
    expect(r.anomalies).toEqual([]);
    const c = r.conditional;
    expect(c.create.rounds).toBeGreaterThan(5);
    expect(c.races_lost).toBe(
      c.create.no_winner_keys.length +
        c.create.several_winners_keys.length +
        c.overwrite.no_winner_keys.length +
        c.overwrite.several_winners_keys.length,
    );
    expect(status).toBe(c.races_lost ? 1 : 0);
    expect(r.removed).toBeGreaterThanOrEqual(0);
    console.log(
      `one ${loadProfile('local-source').provider}: ${r.requests} requests, ${c.races_lost} rounds lost ` +
        `(create ${JSON.stringify(c.create.winners)}, overwrite ${JSON.stringify(c.overwrite.winners)})`,
    );
  });

  it('the lagging front: read-after-create anomalies within what the replica measured lag implies', async () => {
    loadLabCredentials();
    // The replica starts from what the source holds now: the earlier cases' keys would fill the replication's
    // first pass and the probe's listings, and the lag measured would no longer be this run's.
    await removeAll(access(loadProfile('local-source')), 'consistency-');
    const log = openSync(join(work, 'replicate.log'), 'a');
    const replication = spawn(
      'node',
      [CLI, 'replicate', '--from', 'local-source', '--to', 'local-target', '--prefix', 'consistency-', '--every', '2s'],
      { stdio: ['ignore', log, log] },
    );
    children.push(replication.pid!);
    const probe = new Probe(access(loadProfile('local-target')), 'consistency-', 100);
    probe.start();
    const run = await consistency('local-lagging', {
      duration: '6s',
      vus: '4',
      writers: '0',
      mix: 'create=40,get=30,head=30',
    });
    await probe.stop();
    replication.kill('SIGTERM');
    await new Promise((resolve) => replication.on('close', resolve));
    // What the replication copied and the run removed from the primary only.
    await removeAll(access(loadProfile('local-target')), 'consistency-');
    expect(run.report, run.stderr).not.toBeNull();
    const r = run.report!;
    expect(run.status).toBe(1);

    // Ground truth: when each key reached the replica, between the last listing without it (started
    // at `absentAt`) and the first with it (answered at `presentBy`).
    const absentAt = new Map<string, number>();
    const presentBy = new Map<string, number>();
    let last = 0;
    for (const round of probe.rounds) {
      for (const [key, etag] of round.changes) if (etag && !presentBy.has(key)) presentBy.set(key, round.end);
      last = round.start;
    }
    const ops = operations(r.dir);
    const acked = new Map(ops.filter((o) => o.op === 'create' && o.status === 200).map((o) => [o.key, o.end]));
    for (const key of acked.keys()) {
      let before = 0;
      for (const round of probe.rounds) {
        if (round.end >= (presentBy.get(key) ?? Infinity)) break;
        before = round.start;
      }
      absentAt.set(key, presentBy.has(key) ? before : last);
    }
    const replicaReads = ops.filter(
      (o) =>
        (o.op === 'get' || o.op === 'head') &&
        o.host === 'replica' &&
        (o.status === 200 || o.status === 404) &&
        o.start >= (acked.get(o.key) ?? Infinity),
    );
    const surely = replicaReads.filter((o) => o.end <= absentAt.get(o.key)!).length;
    const maybe = replicaReads.filter((o) => o.start < (presentBy.get(o.key) ?? Infinity)).length;
    const f = r.kinds['read-after-create'];
    const lags = [...acked].filter(([k]) => presentBy.has(k)).map(([k, t]) => presentBy.get(k)! - t);
    lags.sort((a, b) => a - b);
    console.log(
      `lagging front: ${f.anomalies} read-after-create anomalies in ${f.checks} checks ` +
        `(${f.per_100k.toFixed(0)} per 100,000); the replica's lag implies ${surely} to ${maybe}; ` +
        `replica lag p50 ${lags[lags.length >> 1]} ms, max ${lags.at(-1)} ms over ${lags.length} keys; ` +
        `reads served ${JSON.stringify(r.served_by)}`,
    );
    // The replica did copy this run's keys while it ran: the lag was measured, not assumed.
    expect(lags.length).toBeGreaterThan(10);
    expect(surely).toBeGreaterThan(10);
    expect(f.anomalies).toBeGreaterThanOrEqual(surely);
    expect(f.anomalies).toBeLessThanOrEqual(maybe);
    // Only the replica shows them; the primary answers every read as written.
    expect(r.anomalies.length).toBeGreaterThan(0);
    expect(new Set(r.anomalies.map((a) => a.host))).toEqual(new Set(['replica']));
    expect(r.served_by.primary).toBeGreaterThan(10);
    expect(f.lasted_ms.max).toBeLessThan(10_000);
  });

  it('two gateway processes serving one directory: conditional races lost, named by key', async () => {
    const gw = findTool('versitygw')!;
    const [twin, front] = [BASE + 20, BASE + 21];
    const dir = join(ROOT, '.lab', 'source');
    loadLabCredentials();
    const env = {
      ...process.env,
      ROOT_ACCESS_KEY: process.env.SNDSBENCH_LOCAL_SOURCE_ACCESS_KEY,
      ROOT_SECRET_KEY: process.env.SNDSBENCH_LOCAL_SOURCE_SECRET_KEY,
    };
    const args = ['--port', `127.0.0.1:${twin}`, '--iam-dir', join(dir, 'iam'), 'posix', '--sidecar'];
    const second = spawn(gw, [...args, join(dir, 'meta'), join(dir, 'data')], { env, stdio: 'ignore' });
    children.push(second.pid!);
    const cfg = join(work, 'twins.cfg');
    writeFileSync(
      cfg,
      `defaults\n  mode http\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n` +
        `frontend twins\n  bind 127.0.0.1:${front}\n  default_backend gateways\n` +
        `backend gateways\n  balance roundrobin\n  server one 127.0.0.1:${BASE}\n  server two 127.0.0.1:${twin}\n`,
    );
    const balancer = spawn(findTool('haproxy')!, ['-f', cfg], { stdio: 'ignore' });
    children.push(balancer.pid!);
    for (let i = 0; i < 50 && !((await listening(twin)) && (await listening(front))); i++)
      await new Promise((r) => setTimeout(r, 100));
    const profile = join(work, 'twins.json');
    const source = JSON.parse(readFileSync(join(ROOT, 'hosts', 'local-source.json'), 'utf8'));
    writeFileSync(profile, JSON.stringify({ ...source, name: 'twins', endpoint: `http://127.0.0.1:${front}` }));
    const { status, report, stderr } = await consistency(profile, { duration: '4s', vus: '1', writers: '16' });
    second.kill('SIGTERM');
    balancer.kill('SIGTERM');
    expect(report, stderr).not.toBeNull();
    const c = report!.conditional;
    console.log(
      `two gateways on one directory: ${c.races_lost} of ${c.create.rounds + c.overwrite.rounds} rounds lost ` +
        `(create ${JSON.stringify(c.create.winners)}, overwrite ${JSON.stringify(c.overwrite.winners)})`,
    );
    expect(c.races_lost).toBeGreaterThan(0);
    expect(c.create.several_winners_keys.length + c.overwrite.several_winners_keys.length).toBeGreaterThan(0);
    for (const key of [...c.create.several_winners_keys, ...c.overwrite.several_winners_keys])
      expect(key).toMatch(/^consistency-.*\/race\/\d+-\d+$/);
    expect(status).toBe(1);
    expect(readFileSync(join(report!.dir, 'verdict.txt'), 'utf8')).toMatch(/conditional rounds without exactly one/);
  });
});
