// `sndsbench plan` against what `generate` then writes: two configurations a factor 10 apart,
// predicted rows and bytes per table against the manifests; the full-scale DCIR against its published
// volume; request counts, upload time and cost.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');
const work = scratch('plan');

function run(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

interface PlanJson {
  tables: { table: string; rows: number; bytes: number; files: number }[];
  total: { rows: number; bytes: number; files: number; objects: number; core_hours: number; wall_hours: number };
  upload?: {
    puts: number;
    parts: number;
    multipart_objects: number;
    gets: number;
    seconds: number;
    bound: string;
    cost: { upload: number; storage_month: number } | null;
  };
}

function planJson(args: string[]): PlanJson {
  const r = run(['plan', ...args, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('plan predicts what generate writes', () => {
  for (const beneficiaries of [4000, 40000]) {
    it(`${beneficiaries} beneficiaries × 2023-2024: rows and bytes per table within ±5% (small files ±10%)`, () => {
      const args = ['--beneficiaries', String(beneficiaries), '--years', '2023-2024', '--seed', '7'];
      const predicted = planJson(args);
      const out = join(work, String(beneficiaries));
      const g = run(['generate', ...args, '--out', out]);
      expect(g.status, g.stderr).toBe(0);
      const files = (
        JSON.parse(readFileSync(join(out, '_manifest.json'), 'utf8')) as {
          files: { table: string; rows: number; bytes: number }[];
        }
      ).files;
      const misses: string[] = [];
      const deaths = files.filter((f) => f.table === 'KI_CCI_R').reduce((s, f) => s + f.rows, 0);
      for (const p of predicted.tables) {
        const mine = files.filter((f) => f.table === p.table);
        const rows = mine.reduce((s, f) => s + f.rows, 0);
        const bytes = mine.reduce((s, f) => s + f.bytes, 0);
        expect(mine.length, p.table).toBe(p.files);
        // A table of a few hundred rows (deaths) is itself a random draw: its count cannot be
        // predicted closer than its own Poisson spread, so the bound there is 3 standard deviations
        // of the number of independent draws (a death's causes come together).
        const draws = p.table === 'KI_ECD_R' ? deaths : rows;
        const tolerance = Math.max(0.05, 3 / Math.sqrt(Math.max(draws, 1)));
        // DuckDB picks each column's encoding by its content: in files under 1 MB one column switching
        // between plain and dictionary moves the bytes by up to 10% (IR_IMB_R's dates switch between
        // 10,600 and 16,500 rows), which no interpolation between calibration files can place.
        const small = p.bytes / p.files < 1e6 ? 0.1 : 0;
        for (const [what, actual, guess, bound] of [
          ['rows', rows, p.rows, tolerance],
          ['bytes', bytes, p.bytes, Math.max(tolerance, small)],
        ] as const) {
          const error = guess / actual - 1;
          if (Math.abs(error) > bound)
            misses.push(
              `${p.table} ${what}: predicted ${guess}, wrote ${actual} ` +
                `(${(error * 100).toFixed(1)}%, bound ${(bound * 100).toFixed(1)}%)`,
            );
        }
      }
      expect(misses).toEqual([]);
      const total = files.reduce((s, f) => s + f.rows, 0);
      expect(Math.abs(predicted.total.rows / total - 1)).toBeLessThan(0.05);
    });
  }
});

describe('plan at full scale', () => {
  it("projects one year of France's DCIR within 15% of the published volume", () => {
    // About 11 billion DCIR rows a year over seven tables (cnam_xdata_2019), for about 68 M people.
    const p = planJson(['--beneficiaries', '68000000', '--years', '2024']);
    const dcir = p.tables.filter((t) => t.table.startsWith('ER_')).reduce((s, t) => s + t.rows, 0);
    expect(Math.abs(dcir / 11e9 - 1), `${dcir.toLocaleString('en')} DCIR rows`).toBeLessThan(0.15);
  });
});

describe('plan for a host', () => {
  const full = ['--beneficiaries', '100000000', '--years', '2015-2024', '--workers', '100'];

  it('counts PUTs and parts, and takes the larger of bytes/bandwidth and requests/rate', () => {
    const p = planJson([...full, '--bandwidth', '10Gbit', '--put-rate', '300']);
    const u = p.upload!;
    expect(u.gets).toBe(p.total.objects);
    expect(u.multipart_objects).toBeGreaterThan(0);
    expect(u.puts).toBeGreaterThanOrEqual(p.total.objects - u.multipart_objects + u.parts + 2 * u.multipart_objects);
    const byBytes = p.total.bytes / (10e9 / 8);
    const byRequests = u.puts / 300;
    expect(u.seconds).toBeCloseTo(Math.max(byBytes, byRequests), 3);
    expect(u.bound).toBe(byBytes >= byRequests ? 'bandwidth' : 'request rate');
    // A host capped at 1 PUT/s is bound by its request rate.
    const slow = planJson([...full, '--bandwidth', '10Gbit', '--put-rate', '1']).upload!;
    expect(slow.bound).toBe('request rate');
    expect(slow.seconds).toBeCloseTo(slow.puts, 6);
    expect(p.total.wall_hours).toBeCloseTo(p.total.core_hours / 100, 6);
  });

  it("uses a profile's caps and part rules, and prices the upload when the profile lists prices", () => {
    const profile = JSON.parse(readFileSync(join(__dirname, '..', 'hosts', 'templates', 'outscale.json'), 'utf8'));
    profile.prices = { currency: 'EUR', put_per_1000: 0.005, get_per_1000: 0.0004, storage_per_gb_month: 0.01 };
    const path = join(work, 'priced.json');
    writeFileSync(path, JSON.stringify(profile));
    const p = planJson([...full, '--host', path, '--bandwidth', '10Gbit']);
    const u = p.upload!;
    expect(u.cost).not.toBeNull();
    expect(u.cost!.upload).toBeCloseTo((u.puts / 1000) * 0.005, 6);
    expect(u.cost!.storage_month).toBeCloseTo((p.total.bytes / 1e9) * 0.01, 6);
    expect(u.seconds).toBeGreaterThanOrEqual(u.puts / profile.limits.put_per_second_per_bucket - 1e-6);
    const text = run(['plan', ...full, '--host', 'ovhcloud']);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/upload time: .*bound by/);
    expect(text.stdout).toMatch(/cost: the profile lists no prices/);
  });
});

describe('plan: bad input gets one line and exit 2', () => {
  for (const [what, args] of [
    ['0 beneficiaries', ['--beneficiaries', '0', '--years', '2024']],
    ['years before 2006', ['--beneficiaries', '1000', '--years', '2004-2010']],
    ['bandwidth 0', ['--beneficiaries', '1000', '--years', '2024', '--bandwidth', '0']],
    ['an unparsable bandwidth', ['--beneficiaries', '1000', '--years', '2024', '--bandwidth', 'fast']],
    ['put rate 0', ['--beneficiaries', '1000', '--years', '2024', '--put-rate', '0']],
    ['an unknown host', ['--beneficiaries', '1000', '--years', '2024', '--host', 'nowhere']],
  ] as const) {
    it(what, () => {
      const r = run(['plan', ...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    });
  }
});
