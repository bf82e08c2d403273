// `sndsbench validate` as a gate: a damaged, truncated, missing or extra file is named on one line and
// fails before any query reads it; a correct but small dataset does not fail its marginals by chance.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { truncateSync } from 'node:fs';
import { closeSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import type { Check } from '../src/dataset/validate.js';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');
const work = scratch('validate');
const small = join(work, 'small');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

function validateJson(dir: string): { status: number | null; checks: Check[]; stderr: string } {
  const r = cli(['validate', dir, '--json']);
  return { status: r.status, checks: (JSON.parse(r.stdout) as { checks: Check[] }).checks, stderr: r.stderr };
}

/** A fresh copy of the small dataset, and the first Parquet file of one of its folders. */
function copy(name: string): string {
  const dir = join(work, name);
  cpSync(small, dir, { recursive: true });
  return dir;
}
const firstFile = (dir: string, folder: string) =>
  join(folder, readdirSync(join(dir, folder)).filter((f) => f.endsWith('.parquet'))[0]);

beforeAll(() => {
  const r = cli(['generate', '--beneficiaries', '4000', '--years', '2023-2024', '--out', small]);
  expect(r.status, r.stderr).toBe(0);
});

describe('validate: integrity first', () => {
  it('an intact dataset passes, its integrity check counting every file', () => {
    const v = validateJson(small);
    expect(v.checks.filter((c) => !c.ok)).toEqual([]);
    expect(v.checks[0]).toMatchObject({ group: 'integrity', ok: true });
    expect(v.status).toBe(0);
  });

  it('2,000 random bytes written into the middle of an ER_PRS_F file: named as damaged, exit 1', () => {
    const dir = copy('damaged');
    const file = firstFile(dir, join('ER_PRS_F', 'year=2023'));
    const fd = openSync(join(dir, file), 'r+');
    writeSync(fd, randomBytes(2000), 0, 2000, Math.floor(statSync(join(dir, file)).size / 2));
    closeSync(fd);
    const v = validateJson(dir);
    expect(v.status).toBe(1);
    expect(v.checks.map((c) => c.name)).toEqual([`${file} is damaged: its SHA-256 differs`]);
  });

  it('a truncated, a missing and an extra file: one line each, no DuckDB error, exit 1', () => {
    const dir = copy('broken');
    const truncated = firstFile(dir, 'IR_BEN_R');
    const missing = firstFile(dir, join('ER_PHA_F', 'year=2024'));
    truncateSync(join(dir, truncated), 1000);
    rmSync(join(dir, missing));
    writeFileSync(join(dir, 'ER_PRS_F', 'extra.parquet'), 'not a dataset file');
    const r = cli(['validate', dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
    const failed = r.stdout.split('\n').filter((l) => l.startsWith('FAIL'));
    expect(failed).toHaveLength(3);
    expect(r.stdout).toContain(`${truncated} is truncated: 1000 of its`);
    expect(r.stdout).toContain(`${missing} is missing`);
    expect(r.stdout).toContain(`${join('ER_PRS_F', 'extra.parquet')} is not in the manifest`);
    expect(r.stdout).not.toMatch(/magic bytes|IO Error|Invalid Input/i);
  });

  it('--report on a damaged dataset writes no report and says why on one line', () => {
    const dir = copy('no-report');
    truncateSync(join(dir, firstFile(dir, 'IR_BEN_R')), 10);
    const report = join(work, 'no-report.html');
    const r = cli(['validate', dir, '--report', report]);
    expect(r.status).toBe(1);
    expect(existsSync(report)).toBe(false);
    expect(r.stderr.trim().split('\n')).toEqual([
      `sndsbench: ${report} not written: the files do not match the manifest`,
    ]);
  });
});

describe('validate: keys', () => {
  it('a repeated DCIR key and a detail row without its ER_PRS_F line fail their checks, counted', async () => {
    const dir = copy('keys');
    const prs = firstFile(dir, join('ER_PRS_F', 'year=2024'));
    const pha = firstFile(dir, join('ER_PHA_F', 'year=2024'));
    // Rewritten through DuckDB: ER_PRS_F's first line twice, and ER_PHA_F's first row pointing at a
    // decompte no line has; the manifest follows, so that integrity passes and the key checks judge.
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const rewrite = async (file: string, select: string) => {
      const path = join(dir, file);
      await conn.run(`COPY (${select.replaceAll('$F', `read_parquet('${path}')`)}) TO '${path}.new' (FORMAT parquet)`);
      renameSync(`${path}.new`, path);
      const m = JSON.parse(readFileSync(join(dir, '_manifest.json'), 'utf8'));
      const f = m.files.find((x: { path: string }) => x.path === file.split(sep).join('/'));
      f.bytes = statSync(path).size;
      f.sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
      f.rows = Number((await conn.runAndReadAll(`SELECT count(*) FROM read_parquet('${path}')`)).getRowsJS()[0][0]);
      writeFileSync(join(dir, '_manifest.json'), JSON.stringify(m));
    };
    await rewrite(prs, 'SELECT * FROM $F UNION ALL (SELECT * FROM $F LIMIT 1)');
    await rewrite(
      pha,
      'SELECT * EXCLUDE (n) REPLACE (CASE WHEN n = 1 THEN -1 ELSE DCT_ORD_NUM END AS DCT_ORD_NUM) ' +
        'FROM (SELECT *, row_number() OVER () AS n FROM $F)',
    );
    conn.closeSync();
    db.closeSync();
    const v = validateJson(dir);
    const check = (name: string) => v.checks.find((c) => c.name.startsWith(name));
    expect(v.checks.find((c) => c.group === 'integrity')).toMatchObject({ ok: true });
    expect(check('ER_PRS_F 9 DCIR keys unique')).toMatchObject({ ok: false, value: '1' });
    expect(check('ER_PHA_F → ER_PRS_F')).toMatchObject({ ok: false, value: '1' });
    expect(check('ER_BIO_F → ER_PRS_F')).toMatchObject({ ok: true });
    expect(v.status).toBe(1);
  });
});

describe('validate: tolerances that know the sample size', () => {
  it('4,000 beneficiaries × 2023-2024 pass every marginal, and say which they are too small to judge', () => {
    const marginals = validateJson(small).checks.filter((c) => c.group === 'marginals');
    expect(marginals).toHaveLength(5);
    expect(marginals.filter((c) => !c.ok)).toEqual([]);
    expect(marginals.some((c) => c.name.startsWith('DCIR rows per person-year (6 tables)'))).toBe(true);
    const deaths = marginals.find((c) => c.name.startsWith('deaths per 1,000'))!;
    expect(deaths.value).toContain('too few beneficiaries to judge at ±10%');
  });
});

describe('validate: bounded memory', () => {
  it('under a 64MB memory limit DuckDB spills to disk and every check comes out the same', () => {
    const r = cli(['validate', small, '--json', '--memory-limit', '64MB']);
    expect(r.status, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { checks: Check[] }).checks).toEqual(validateJson(small).checks);
  });

  it('a --memory-limit that is not a size: one line, exit 2', () => {
    const r = cli(['validate', small, '--memory-limit', 'lots']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'sndsbench: --memory-limit must be a size of at least 64MB such as 500MB or 2GiB, got "lots"',
    ]);
  });
});
