// Cutover rehearsals through the lab's HAProxy front: the clean reference procedure passes, and each
// fault is caught with its size. Procedures other than the reference are small scripts written here,
// as a candidate would write theirs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadProfile } from '../src/hosts/profile.js';
import { access, list } from '../src/hosts/sync.js';
import { s3Request } from '../src/hosts/s3node.js';
import { LAB, lacking } from './support/tools.js';
import { cli, cutoverBench, ROOT } from './support/cutover.js';

const skip = lacking(__filename, [...LAB]);
const { results, dataset, cutover, script, setUp, reset, tearDown } = cutoverBench('cutover');

const SWITCH =
  'await haproxy(socket, `set server ${backend}/target state ready`); ' +
  'await haproxy(socket, `set server ${backend}/source state maint`);';

/** The keys the load deleted, from its log. */
function loggedDeletes(dir: string): string[] {
  return readFileSync(join(dir, 'k6.log'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('\\"event\\":\\"delete\\"'))
    .map((l) => JSON.parse(JSON.parse(l).msg).key as string);
}

describe.skipIf(skip)('cutover through the front', () => {
  beforeAll(setUp);
  beforeEach(reset);
  afterAll(tearDown);

  it('the reference procedure, three runs: PASS each, no lost write, no error', async () => {
    for (let run = 0; run < 3; run++) {
      // Each run starts where the last one left the front: on the new host, which is refused.
      if (run > 0) await reset();
      const { status, report, stderr } = cutover('reference');
      expect(status, stderr + JSON.stringify(report?.failed)).toBe(0);
      expect(report!.verdict).toBe('PASS');
      expect(report!.lost_writes).toEqual([]);
      expect(report!.errors).toBe(0);
      expect(report!.stale_reads).toBe(0);
      expect(report!.acknowledged_writes).toBeGreaterThan(50);
      expect(report!.deletes).toBeGreaterThan(0);
      expect(report!.resurrected).toEqual([]);
      const secrets = readFileSync(join(ROOT, '.lab', 'credentials.env'), 'utf8')
        .trim()
        .split('\n')
        .filter((l) => /_KEY=/.test(l))
        .map((l) => l.slice(l.indexOf('=') + 1));
      for (const f of ['cutover.json', 'verdict.txt', 'k6.log', 'procedure.log', 'summary.json']) {
        const text = readFileSync(join(report!.dir, f), 'utf8');
        for (const s of secrets) expect(text.includes(s), `${f} leaks a secret`).toBe(false);
      }
    }
  });

  it('a switch without the final delta sync: every write left behind on the old host is counted, exactly', async () => {
    const { status, report } = cutover(script('switch-only', SWITCH));
    expect(status).toBe(1);
    expect(report!.verdict).toBe('FAIL');
    // Independently: what the old host holds under the run's write prefix and the new one lacks or holds
    // older, but for what the load deleted since (after the switch, on the new host).
    const prefix = `cutover-${report!.dir.split('/').pop()}/`;
    const deleted = new Set(loggedDeletes(report!.dir));
    const [source, target] = [access(loadProfile('local-source')), access(loadProfile('local-target'))];
    const behind: string[] = [];
    const [onSource, onTarget] = await Promise.all([list(source, prefix), list(target, prefix)]);
    for (const key of onSource.keys()) {
      if (deleted.has(key)) continue;
      if (!onTarget.has(key)) behind.push(key);
      else if (key.includes('/state-')) {
        const [a, b] = await Promise.all([s3Request(source, 'GET', key), s3Request(target, 'GET', key)]);
        if (Number(b.body.toString()) < Number(a.body.toString())) behind.push(key);
      }
    }
    expect(behind.length).toBeGreaterThan(0);
    expect(report!.lost_writes).toEqual(behind.sort());
    expect(report!.rpo.objects).toBeGreaterThan(0);
  });

  it('a copy that never deletes: every deleted object the new host still holds is named, FAIL', async () => {
    const copyOnly = script(
      'copy-only',
      `
const { access, list } = await import('${join(ROOT, 'dist', 'src', 'hosts', 'sync.js')}');
const { s3Request } = await import('${join(ROOT, 'dist', 'src', 'hosts', 's3node.js')}');
const { loadProfile } = await import('${join(ROOT, 'dist', 'src', 'hosts', 'profile.js')}');
const [src, dst] = [access(loadProfile('local-source')), access(loadProfile('local-target'))];
const prefix = process.env.SNDSBENCH_WRITE_PREFIX;
async function copy() {
  const [a, b] = await Promise.all([list(src, prefix), list(dst, prefix)]);
  for (const key of a.keys()) {
    if (b.has(key)) continue;
    const got = await s3Request(src, 'GET', key);
    if (got.status === 200) await s3Request(dst, 'PUT', key, { body: got.body });
  }
}
// Copies for 5 s: the load deletes about 1.5 objects a second, so an object already copied is deleted on
// the source meanwhile in all but about one run in 1,800 (a single 3 s window missed one run in 90).
for (let i = 0; i < 10; i++) {
  await copy();
  await sleep(500);
}
${SWITCH}`,
    );
    const { status, report } = cutover(copyOnly, ['--thresholds', '{"lost_writes": 1000000, "stale_reads": 1000000}']);
    expect(status).toBe(1);
    // Independently: the keys the load deleted (its log) that the new host still answers for.
    const deleted = loggedDeletes(report!.dir);
    expect(deleted.length).toBe(report!.deletes);
    const target = access(loadProfile('local-target'));
    const still: string[] = [];
    for (const key of deleted) if ((await s3Request(target, 'HEAD', key)).status === 200) still.push(key);
    expect(still.length).toBeGreaterThan(0);
    expect(report!.resurrected).toEqual(still.sort());
    expect(report!.failed.some((f) => f.startsWith('deleted objects still on local-target'))).toBe(true);
  });

  it('the front stopped for 5 s during the switch: downtime measured 5 s ± 1 s, FAIL', () => {
    const { status, report } = cutover(
      script(
        'stop-5s',
        'await haproxy(socket, `set server ${backend}/source state maint`); await sleep(5000); ' +
          'await haproxy(socket, `set server ${backend}/target state ready`);',
      ),
    );
    expect(status).toBe(1);
    expect(Math.abs(report!.longest_failure_s - 5), `downtime ${report!.longest_failure_s} s`).toBeLessThan(1);
    expect(report!.failed.some((f) => f.startsWith('longest failure run'))).toBe(true);
  });

  it('bodies corrupted by the new host: integrity failures counted, FAIL', () => {
    const seed = JSON.parse(readFileSync(join(dataset, '_seed-local-source.json'), 'utf8')) as {
      objects: { key: string }[];
    };
    const keys = seed.objects.map((o) => o.key).filter((k) => k.endsWith('.parquet'));
    const corrupt = script(
      'corrupt',
      `
import { s3Request } from '${join(ROOT, 'dist', 'src', 'hosts', 's3node.js')}';
import { access } from '${join(ROOT, 'dist', 'src', 'hosts', 'sync.js')}';
import { loadProfile } from '${join(ROOT, 'dist', 'src', 'hosts', 'profile.js')}';
const target = access(loadProfile('local-target'));
for (const key of ${JSON.stringify(keys)}) {
  const r = await s3Request(target, 'GET', key);
  r.body[r.body.length >> 1] ^= 0xff;
  await s3Request(target, 'PUT', key, { body: r.body });
}
${SWITCH}`,
    );
    const { status, report } = cutover(corrupt, ['--thresholds', '{"lost_writes": 1000000, "stale_reads": 1000000}']);
    expect(status).toBe(1);
    expect(report!.integrity_failures).toBeGreaterThan(0);
    const logged = readFileSync(join(report!.dir, 'k6.log'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('\\"event\\":\\"integrity\\"')).length;
    expect(report!.integrity_failures).toBe(logged);
    expect(report!.failed.some((f) => f.startsWith('integrity failures'))).toBe(true);
  });

  it('500 ms of latency added during the switch: the window p99 shows it (twice: TLS handshake) within 10%', () => {
    const slow = script(
      'slow-switch',
      `
await addToxic('local-target', 'slow', {
  type: 'latency', stream: 'downstream', attributes: { latency: 500, jitter: 0 },
});
${SWITCH}
await sleep(3000);
await clearToxics('local-target');`,
    );
    const { report } = cutover(slow, ['--thresholds', '{"lost_writes": 1000000, "stale_reads": 1000000}']);
    // Latency before the switch: the median of the per-second p99s, since the first second's warm-up
    // can be an outlier (171 ms once, against about 20 ms after it).
    const before = report!.timeline
      .filter((s) => s.second < 3 && s.ok > 0)
      .map((s) => s.p99_ms)
      .sort((a, b) => a - b);
    const base = before[before.length >> 1];
    // The target speaks TLS: a request on a connection HAProxy opens to it after the switch pays the
    // latency twice, once for the handshake's round trip and once for its own.
    const expected = 2 * 500 + base;
    expect(
      Math.abs(report!.window.p99_ms / expected - 1),
      `window p99 ${report!.window.p99_ms.toFixed(0)} ms, expected about ${expected} ms`,
    ).toBeLessThan(0.1);
  });

  it('a procedure that exits non-zero is reported, the verdict is FAIL and the load still ends cleanly', () => {
    const { status, report } = cutover(script('fails', 'process.exit(3);'));
    expect(status).toBe(1);
    expect(report!.procedure.exit).toBe(3);
    expect(report!.failed).toContain('the procedure exited with 3');
    expect(report!.requests).toBeGreaterThan(200);
  });
});

describe.skipIf(skip)('cutover: bad input gets one line and exit 2', () => {
  const base = [
    'cutover',
    '--front',
    'local-front',
    '--from',
    'local-source',
    '--dataset',
    dataset,
    '--results',
    results,
  ];
  for (const [what, args, message] of [
    ['--at beyond --duration', ['--procedure', 'reference', '--at', '90s', '--duration', '60s'], /--at/],
    ['a missing procedure command', ['--procedure', '/no/such/switch.sh'], /no such command/],
    ['an unknown profile', ['--procedure', 'reference', '--to', 'nowhere'], /unknown host profile/],
  ] as const) {
    it(what, () => {
      const r = cli([
        ...base,
        ...((args as readonly string[]).includes('--to') ? [] : ['--to', 'local-target']),
        ...args,
      ]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
