// Double hosting rehearsed in the lab: the reference replication keeps the new host in step, while clients
// of the consistency mix on the new host read back all they write; a replication stopped for 30 s shows as
// 30 s of lag and still catches up; a delete a replication never propagates is named by the audit.
// Replications other than the reference are small scripts written here, as a candidate would write theirs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { loadProfile } from '../src/hosts/profile.js';
import { access, list, removeAll } from '../src/hosts/sync.js';
import { LAB, lacking } from './support/tools.js';
import { ANOMALY_KINDS, type MirrorResult } from '../src/contracts/results.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('mirror');
const results = join(work, 'results');
const dataset = join(work, 'dataset');
const datasetPrefix = `mirror-data-${Date.now().toString(36)}`;

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** What `mirror --json` prints. */
type Report = MirrorResult & { dir: string };

/** `mirror --json` on the lab with the options given over the defaults below. */
function mirror(options: Record<string, string>): { status: number; report: Report | null; stderr: string } {
  const all = { from: 'local-source', to: 'local-target', dataset, rate: '15', results, ...options };
  const r = cli(['mirror', ...Object.entries(all).flatMap(([k, v]) => [`--${k}`, v]), '--json']);
  return {
    status: r.status ?? -1,
    report: r.stdout.trim() ? (JSON.parse(r.stdout) as Report) : null,
    stderr: r.stderr,
  };
}

/** A replication script: Node with the lab's modules. */
function script(name: string, body: string): string {
  const path = join(work, `${name}.mjs`);
  const dist = (m: string) => `'${join(ROOT, 'dist', 'src', 'hosts', m)}'`;
  writeFileSync(
    path,
    `import { access, list } from ${dist('sync.js')};\n` +
      `import { s3Request } from ${dist('s3node.js')};\n` +
      `import { loadProfile } from ${dist('profile.js')};\n` +
      'const from = access(loadProfile(process.env.SNDSBENCH_FROM_PROFILE));\n' +
      'const to = access(loadProfile(process.env.SNDSBENCH_TO_PROFILE));\n' +
      "const prefixes = process.env.SNDSBENCH_PREFIXES.split(' ');\n" +
      'const sleep = (ms) => new Promise((r) => setTimeout(r, ms));\n' +
      `${body}\n`,
  );
  return `node ${path}`;
}

const secrets = () =>
  readFileSync(join(ROOT, '.lab', 'credentials.env'), 'utf8')
    .trim()
    .split('\n')
    .filter((l) => /_KEY=/.test(l))
    .map((l) => l.slice(l.indexOf('=') + 1));

const hosts = () => [access(loadProfile('local-source')), access(loadProfile('local-target'))];

describe.skipIf(skip)('mirror: double hosting under load', () => {
  beforeAll(() => {
    mkdirSync(results, { recursive: true });
    const up = cli(['lab', 'up']);
    expect(up.status, up.stderr).toBe(0);
    expect(cli(['generate', '--beneficiaries', '1000', '--years', '2024', '--out', dataset]).status).toBe(0);
    const seeded = cli(['seed', dataset, '--host', 'local-source', '--prefix', datasetPrefix]);
    expect(seeded.status, seeded.stderr).toBe(0);
  });
  afterAll(async () => {
    for (const h of hosts()) await removeAll(h, `${datasetPrefix}/`).catch(() => undefined);
    cli(['lab', 'down']);
  });

  it('the reference replication: PASS, every change shown within seconds, the audit clean, nothing left', async () => {
    // With clients of the consistency mix on the new host meanwhile, under a prefix the replication leaves alone.
    const { status, report, stderr } = mirror({ duration: '25s', consistency: 'true' });
    expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
    const r = report!;
    expect(r.verdict).toBe('PASS');
    expect(r.changes.writes).toBeGreaterThan(30);
    expect(r.changes.overwrites).toBeGreaterThan(5);
    expect(r.changes.deletes).toBeGreaterThan(5);
    const changes = r.changes.writes + r.changes.overwrites + r.changes.deletes;
    expect(r.lags).toHaveLength(changes);
    expect(r.lag.never).toBe(0);
    expect(r.lag.seen).toBe(changes);
    expect(r.lag.p99_s, `lag p99 ${r.lag.p99_s} s`).toBeLessThan(5);
    expect(r.lag.p50_s).toBeGreaterThan(0);
    expect(r.catch_up.reached).toBe(true);
    expect(r.audit.differences).toEqual([]);
    // The audit read every dataset object and every object the load left on both hosts.
    const live = r.changes.writes - r.changes.deletes;
    const seeded = (await list(hosts()[0], `${datasetPrefix}/`)).size;
    expect(seeded).toBeGreaterThan(10);
    expect(r.audit.objects).toEqual({ from: seeded + live, to: seeded + live });
    expect(r.removed).toEqual({ from: live, to: live });
    for (const h of hosts()) expect((await list(h, r.prefixes.run)).size).toBe(0);
    const mix = r.consistency!;
    expect([mix.host, mix.verdict]).toEqual(['local-target', 'PASS']);
    for (const k of ANOMALY_KINDS) expect(mix.kinds[k].anomalies, k).toBe(0);
    expect(ANOMALY_KINDS.reduce((n, k) => n + mix.kinds[k].checks, 0)).toBeGreaterThan(50);
    expect(mix.removed).toBeGreaterThan(0);
    expect((await list(hosts()[1], mix.prefix)).size).toBe(0);
    // The load's requests are counted apart from the mix's: every request of the run is one or the other
    // (each operation of the mix is one request: its listings are one page, and it has no conditional rounds).
    const summary = JSON.parse(readFileSync(join(r.dir, 'summary.json'), 'utf8'));
    const all = summary.metrics.http_reqs.values.count as number;
    const mixRequests = Object.values(mix.operations).reduce((a, b) => a + b, 0);
    expect(r.requests).toBeGreaterThan(changes);
    expect(r.requests + mixRequests).toBe(all);
    for (const f of ['manifest.json', 'mirror.json']) expect(existsSync(join(r.dir, f)), f).toBe(true);
    expect(JSON.parse(readFileSync(join(r.dir, 'manifest.json'), 'utf8')).kind).toBe('mirror');
    const files = readdirSync(r.dir).filter((f) => statSync(join(r.dir, f)).isFile());
    expect(files).toEqual(expect.arrayContaining(['k6.log', 'procedure.log', 'summary.json', 'verdict.txt']));
    for (const f of files) {
      const text = readFileSync(join(r.dir, f), 'utf8');
      for (const s of secrets()) expect(text.includes(s), `${f} leaks a secret`).toBe(false);
    }
  });

  it('the replication stopped for 30 s: lag max and p99 rise by that much, FAIL, and it still catches up', () => {
    const stall = join(work, 'stall.sh');
    writeFileSync(
      stall,
      [
        `node ${CLI} replicate --from "$SNDSBENCH_FROM_PROFILE" --to "$SNDSBENCH_TO_PROFILE" \\`,
        '  $(for p in $SNDSBENCH_PREFIXES; do printf -- "--prefix %s " "$p"; done) &',
        'pid=$!',
        'sleep 10',
        'kill -STOP $pid; echo "stopped $(date +%s%3N)"',
        'sleep 30',
        'kill -CONT $pid; echo "resumed $(date +%s%3N)"',
        'wait $pid',
      ].join('\n') + '\n',
    );
    const { status, report, stderr } = mirror({
      duration: '50s',
      rate: '12',
      'max-lag': '10s',
      procedure: `sh ${stall}`,
    });
    expect(status, stderr).toBe(1);
    const r = report!;
    expect(r.verdict).toBe('FAIL');
    // The stop as the script made it, from its own log.
    const log = readFileSync(join(r.dir, 'procedure.log'), 'utf8');
    const at = (what: string) => Number(new RegExp(`${what} (\\d+)`).exec(log)![1]);
    const injected = (at('resumed') - at('stopped')) / 1000;
    expect(Math.abs(injected - 30)).toBeLessThan(1);
    const msg = `injected ${injected} s, lag max ${r.lag.max_s} s, p99 ${r.lag.p99_s} s`;
    // A change acknowledged just after the stop waits all of it; on top come the wait for the next pass
    // and the pass that copies the backlog (seconds on a busy 2-core machine).
    expect(r.lag.max_s, msg).toBeGreaterThan(injected - 1);
    expect(r.lag.max_s, msg).toBeLessThan(injected + 5);
    expect(r.lag.p99_s, msg).toBeGreaterThan(injected - 3);
    expect(r.lag.p99_s, msg).toBeLessThan(injected + 5);
    expect(
      r.failed.some((f) => f.startsWith('lag p99')),
      r.failed.join('; '),
    ).toBe(true);
    // Changes acknowledged before the stop were shown within seconds.
    const stoppedSecond = Math.floor((at('stopped') - r.load_started) / 1000);
    const before = r.lag_timeline.filter((s) => s.second < stoppedSecond - 1);
    expect(before.length).toBeGreaterThan(3);
    expect(Math.max(...before.map((s) => s.max_s))).toBeLessThan(5);
    // The new host fell behind during the stop, then caught up: the audit is clean.
    expect(Math.max(...r.divergence_timeline.map((d) => d.missing + d.stale + d.resurrected))).toBeGreaterThan(20);
    expect(r.lag.never).toBe(0);
    expect(r.catch_up.reached).toBe(true);
    expect(r.audit.differences).toEqual([]);
  });

  it('a delete the replication never propagates: the audit names exactly that key, resurrected, FAIL', () => {
    const lossy = script(
      'lossy',
      `
let spared = null;
for (;;) {
  for (const p of prefixes) {
    const [s, t] = await Promise.all([list(from, p), list(to, p)]);
    for (const [key, [, etag]] of s) {
      if (t.get(key)?.[1] === etag) continue;
      const got = await s3Request(from, 'GET', key);
      if (got.status === 200) await s3Request(to, 'PUT', key, { body: got.body });
    }
    for (const key of t.keys()) {
      if (s.has(key) || key === spared) continue;
      if (spared === null && p === prefixes.at(-1)) {
        spared = key;
        console.log('spared ' + key);
      } else await s3Request(to, 'DELETE', key);
    }
  }
  await sleep(1000);
}`,
    );
    const { status, report, stderr } = mirror({ duration: '25s', 'catch-up': '5s', procedure: lossy });
    expect(status, stderr).toBe(1);
    const r = report!;
    const spared = /spared (\S+)/.exec(readFileSync(join(r.dir, 'procedure.log'), 'utf8'))![1];
    expect(spared.startsWith(r.prefixes.run)).toBe(true);
    expect(r.audit.differences).toEqual([{ key: spared, kind: 'resurrected' }]);
    expect(r.lag.never_keys).toEqual([spared]);
    expect(r.catch_up.reached).toBe(false);
    expect(r.verdict).toBe('FAIL');
    expect(r.failed.some((f) => f.includes('1 resurrected'))).toBe(true);
  });
});

describe.skipIf(skip)('mirror: bad input gets one line and exit 2, and no load', () => {
  const none = join(work, 'no-results');
  const base = ['mirror', '--dataset', dataset, '--results', none, '--duration', '20s'];
  for (const [what, args, message] of [
    ['an unparsable --max-lag', ['--max-lag', 'soon'], /--max-lag must be a duration/],
    ['an unparsable --duration', ['--duration', 'forever'], /--duration must be a duration/],
    [
      'a malformed consistency mix',
      ['--consistency', '--consistency-mix', 'create=10,copy=5'],
      /--consistency-mix must be shares of create/,
    ],
    ['a missing procedure command', ['--procedure', '/no/such/replicator.sh'], /no such command/],
    ['an unknown profile', ['--to', 'nowhere'], /unknown host profile "nowhere"/],
    [
      'a dataset not seeded on --from',
      ['--from', 'local-target', '--to', 'local-source'],
      /not seeded on local-target/,
    ],
  ] as const) {
    it(what, () => {
      const own = args as readonly string[];
      const r = cli([
        ...base,
        ...(own.includes('--from') ? [] : ['--from', 'local-source']),
        ...(own.includes('--to') ? [] : ['--to', 'local-target']),
        ...own,
      ]);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(none)).toBe(false);
    });
  }
});
