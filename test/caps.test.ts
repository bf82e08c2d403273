// A migration under Scaleway's published request cap, enforced by the lab's HAProxy (scaled down so that
// the test stays short): every object copied and read back, the throttled answers counted by kind of
// request, and the time the plan gives at that cap within 10% of the time measured. The same run against
// the cap answered with 429 and Retry-After instead of 503 SlowDown; and a seed that backs off.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { LAB, lacking } from './support/tools.js';
import type { MigrationResult } from '../src/contracts/results.js';

const skip = lacking(__filename, LAB);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('caps');
// 1,000 requests/s × 0.008: 8 requests/s per bucket. The copy and the read-back of 61 objects take
// 122 requests, about 15 s at that cap: the cap, not the machine, sets the pace.
const SCALE = '0.008';
const OBJECTS = 60;

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** A dataset folder of small files and its manifest, as `generate` leaves one: the migration moves bytes,
 * and what they hold does not change a request count. */
function dataset(dir: string, files: number): string {
  mkdirSync(join(dir, 'T'), { recursive: true });
  const listed = Array.from({ length: files }, (_, i) => {
    const body = randomBytes(8192 + 64 * i);
    const path = `T/part-${String(i).padStart(5, '0')}.parquet`;
    writeFileSync(join(dir, path), body);
    const sha256 = createHash('sha256').update(body).digest('hex');
    return { path, table: 'T', year: null, rows: 0, bytes: body.length, sha256 };
  });
  writeFileSync(join(dir, '_manifest.json'), JSON.stringify({ files: listed }));
  return dir;
}

type MigrateJson = Pick<MigrationResult, 'rehearsal' | 'verdict'> & { dir: string };

function migrateUnderCaps(data: string): MigrateJson {
  const r = cli([
    'migrate',
    '--from',
    'local-source',
    '--to',
    'local-capped',
    '--dataset',
    data,
    '--window',
    '1d',
    '--streams',
    '16',
    '--results',
    join(work, 'results'),
    '--json',
  ]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as MigrateJson;
}

/** Every object copied and read back, throttled answers of both kinds counted, and the measured time
 * within `below` under and `above` over the plan's time at the cap. */
function checkRun(m: MigrateJson, status: string, below: number, above: number): void {
  const r = m.rehearsal;
  const v = m.verdict;
  expect(r.failed).toEqual([]);
  expect(r.objects).toBe(OBJECTS + 1);
  expect(r.throttled_by_status).toHaveProperty(status);
  expect(Object.keys(r.throttled_by_status!)).toEqual([status]);
  // Writes (the copies) and reads (the read-back) were both held back.
  expect(r.throttled_by_kind!.put).toBeGreaterThan(0);
  expect(r.throttled_by_kind!.get).toBeGreaterThan(0);
  expect(r.throttled_per_second!.length).toBeGreaterThan(5);
  // A PUT and a GET per object at 8 requests/s.
  expect(v.caps).toEqual({ write: 8, read: 8, all: 8 });
  expect(v.copy_and_verify_seconds_by_requests).toBeCloseTo((2 * (OBJECTS + 1)) / 8, 6);
  const planned = v.copy_and_verify_seconds_by_requests!;
  const measured = r.seconds_with_verify!;
  console.log(`caps answered ${status}: planned ${planned.toFixed(1)} s, measured ${measured.toFixed(1)} s`);
  expect(measured / planned - 1, `planned ${planned} s, measured ${measured} s`).toBeGreaterThan(-below);
  expect(measured / planned - 1, `planned ${planned} s, measured ${measured} s`).toBeLessThan(above);
}

describe.skipIf(skip)('rehearsals under a provider caps', () => {
  const data = join(work, 'data');

  beforeAll(() => {
    expect(cli(['lab', 'up']).status).toBe(0);
    dataset(data, OBJECTS);
    const seeded = cli(['seed', data, '--host', 'local-source', '--prefix', `caps-${Date.now().toString(36)}`]);
    expect(seeded.status, seeded.stderr).toBe(0);
  });
  // The lab as the other files expect it: no capped front.
  afterAll(() => cli(['lab', 'up']));

  it('Scaleway answering 503 SlowDown: every object verified, throttling counted, time as planned', () => {
    const up = cli(['lab', 'up', '--caps', 'scaleway', '--caps-scale', SCALE]);
    expect(up.status, up.stderr).toBe(0);
    const status = cli(['lab', 'status']);
    expect(status.stdout).toMatch(/caps\s+127\.0\.0\.1:\d+\s+scaleway's caps ×0\.008: 8 requests\/s per bucket, .*503/);
    checkRun(migrateUnderCaps(data), '503', 0.1, 0.1);
  });

  it('the same cap answered 429 with Retry-After: the same outcome', () => {
    const p = JSON.parse(readFileSync(join(ROOT, 'hosts', 'templates', 'scaleway.json'), 'utf8'));
    const file = join(work, 'scaleway-429.json');
    writeFileSync(file, JSON.stringify({ ...p, name: 'scaleway-429', limits: { ...p.limits, over_cap_status: 429 } }));
    const up = cli(['lab', 'up', '--caps', file, '--caps-scale', SCALE]);
    expect(up.status, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/answered 429 Too Many Requests/);
    // Never faster than the cap; slower by the whole seconds of Retry-After that a client waits when few
    // requests are left to fill the cap (at the start and at the end), up to a fifth on a short run.
    checkRun(migrateUnderCaps(data), '429', 0.1, 0.2);
    // The report draws both runs' throttled answers over time.
    const report = cli(['report', join(work, 'results'), '--out', join(work, 'report')]);
    expect(report.status, report.stderr).toBe(0);
    expect(readFileSync(join(work, 'report', 'report.html'), 'utf8')).toContain('throttled answers over time');
  });

  it('seed backs off a throttling host and verifies every object', () => {
    const small = dataset(join(work, 'small'), 12);
    const r = cli(['seed', small, '--host', 'local-capped', '--prefix', `seed-${Date.now().toString(36)}`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/seeded 13 objects .* each verified; throttled 429: [1-9]\d*/);
  });
});
