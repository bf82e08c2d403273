// End-to-end: the CLI generates, shards, resumes and validates; files are read by DuckDB and by
// hyparquet, an independent pure-JS Parquet reader.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetMetadataAsync, parquetReadObjects, asyncBufferFromFile } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

const CLI = join(__dirname, '..', 'dist', 'src', 'cli.js');
const ARGS = ['--beneficiaries', '20000', '--years', '2022-2024', '--seed', '42'];
const work = scratch('generate');

function run(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

function runAsync(args: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('node', [CLI, ...args], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

function manifest(dir: string, name = '_manifest.json') {
  return JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
    files: { path: string; rows: number; sha256: string; table: string }[];
  };
}

const shas = (dir: string) => Object.fromEntries(manifest(dir).files.map((f) => [f.path, f.sha256]));

describe('generate', () => {
  const a = join(work, 'a');
  const b = join(work, 'b');
  const sharded = join(work, 'sharded');

  // Six generations, two at a time: each is one process on one core, and the machine has two.
  beforeAll(async () => {
    const queue = [[a], [b], ...[0, 1, 2, 3].map((i) => [sharded, '--shard', `${i}/4`])];
    const worker = async () => {
      for (let job = queue.shift(); job; job = queue.shift()) {
        const [dir, ...extra] = job;
        const r = await runAsync(['generate', ...ARGS, '--out', dir, ...extra]);
        expect(r.status, r.stderr).toBe(0);
      }
    };
    await Promise.all([worker(), worker()]);
  });

  it('two runs with the same seed give byte-identical files', () => {
    expect(Object.keys(shas(a)).length).toBeGreaterThan(40);
    expect(shas(b)).toEqual(shas(a));
  });

  it('the union of 4 shards has exactly the rows of the unsharded dataset', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const tables = readdirSync(a).filter((t) => !t.startsWith('_'));
    // The same multiset of rows: equal counts and equal sums of two independent hashes of every whole row
    // (a sum, unlike a xor, keeps duplicates), in one pass over each side rather than EXCEPT ALL's hash
    // tables of full rows, which take many minutes on two cores.
    const fingerprint = async (d: string, t: string) =>
      (
        await conn.runAndReadAll(
          `SELECT count(*), sum(hash(r)::HUGEINT), sum(hash(r, 'again')::HUGEINT) ` +
            `FROM read_parquet('${d}/${t}/**/*.parquet', hive_partitioning = false) r`,
        )
      )
        .getRowsJS()[0]
        .map(String);
    for (const t of tables) {
      const whole = await fingerprint(a, t);
      expect(Number(whole[0]), t).toBeGreaterThan(0);
      expect([t, ...(await fingerprint(sharded, t))]).toEqual([t, ...whole]);
    }
    conn.closeSync();
  });

  it('manifest merge accepts the 4 shards and names a missing or inconsistent one', () => {
    const merged = run(['manifest', 'merge', sharded]);
    expect(merged.status, merged.stderr).toBe(0);
    const all = JSON.parse(readFileSync(join(sharded, '_manifest.json'), 'utf8')) as { rows: Record<string, number> };
    expect(all.rows).toEqual(JSON.parse(readFileSync(join(a, '_manifest.json'), 'utf8')).rows);

    const broken = join(work, 'broken-shards');
    mkdirSync(broken);
    for (const i of [0, 1, 3])
      cpSync(join(sharded, `_manifest-${i}-of-4.json`), join(broken, `_manifest-${i}-of-4.json`));
    for (const t of readdirSync(sharded).filter((t) => !t.startsWith('_')))
      cpSync(join(sharded, t), join(broken, t), { recursive: true });
    const m3 = JSON.parse(readFileSync(join(broken, '_manifest-3-of-4.json'), 'utf8'));
    m3.parameters.seed = 43;
    writeFileSync(join(broken, '_manifest-3-of-4.json'), JSON.stringify(m3));
    const r = run(['manifest', 'merge', broken]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/shard 2\/4 is missing/);
    expect(r.stderr).toMatch(/shard 3\/4 .* other parameters/);
    expect(existsSync(join(broken, '_manifest.json'))).toBe(false);
  });

  it('--workers 2 (one process per shard) gives exactly the rows of one process', async () => {
    const small = ['--beneficiaries', '3000', '--years', '2023', '--seed', '5'];
    const one = join(work, 'one-worker');
    const two = join(work, 'two-workers');
    expect(run(['generate', ...small, '--out', one]).status).toBe(0);
    const r = run(['generate', ...small, '--out', two, '--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const t of readdirSync(one).filter((t) => !t.startsWith('_'))) {
      const q = (d: string) => `SELECT * FROM read_parquet('${d}/${t}/**/*.parquet', hive_partitioning = false)`;
      const res = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM (${q(one)} EXCEPT ALL ${q(two)})) + ` +
          `(SELECT count(*) FROM (${q(two)} EXCEPT ALL ${q(one)}))`,
      );
      expect([t, Number(res.getRowsJS()[0][0])]).toEqual([t, 0]);
    }
    conn.closeSync();
  });

  it('validate passes with no integrity, date or marginal failure', () => {
    const r = run(['validate', a, '--json']);
    const out = JSON.parse(r.stdout) as { passed: boolean; checks: { name: string; ok: boolean; value: string }[] };
    expect(out.checks.filter((c) => !c.ok)).toEqual([]);
    expect(out.checks.length).toBeGreaterThan(60);
    expect(r.status).toBe(0);
  });

  it('hyparquet, an independent reader, reads every file with the manifest row counts', async () => {
    for (const f of manifest(a).files) {
      const file = await asyncBufferFromFile(join(a, f.path));
      const meta = await parquetMetadataAsync(file);
      expect(Number(meta.num_rows), f.path).toBe(f.rows);
    }
    const prs = manifest(a).files.find((f) => f.table === 'ER_PRS_F')!;
    const rows = await parquetReadObjects({
      file: await asyncBufferFromFile(join(a, prs.path)),
      compressors,
      columns: ['BEN_NIR_PSA', 'PRS_PAI_MNT'],
    });
    expect(rows.length).toBe(prs.rows);
    expect(String(rows[0].BEN_NIR_PSA)).toMatch(/^SYNP-/);
  });

  it('a run killed (SIGKILL) while it writes its files, then resumed, reproduces the uninterrupted files', async () => {
    const dir = join(work, 'killed');
    const full = join(work, 'small-files');
    const args = ['generate', ...ARGS, '--file-rows', '200000'];
    expect(run([...args, '--out', full]).status).toBe(0);
    const listing = (d: string): string[] => (existsSync(d) ? readdirSync(d, { recursive: true }).map(String) : []);
    const finals = (d: string) => listing(d).filter((f) => f.endsWith('.parquet'));
    const total = finals(full).length;
    expect(total).toBeGreaterThan(50);

    // Kill once k files have their final name and the next one is being written under its temporary
    // name: the run is under way, and stopped in the middle of a file. k varies from run to run.
    const k = 1 + Math.floor(Math.random() * (total / 2));
    const child = spawn('node', [CLI, ...args, '--out', dir], {
      env: { ...process.env, CI: 'true' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    let ended = false;
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((r) =>
      child.on('exit', (code, signal) => ((ended = true), r([code, signal]))),
    );
    const underWay = () => {
      try {
        const l = listing(dir);
        return l.filter((f) => f.endsWith('.parquet')).length >= k && l.some((f) => f.endsWith('.parquet.tmp'));
      } catch {
        return false; // a file renamed while the folder was listed
      }
    };
    const deadline = Date.now() + 300_000;
    let reached = false;
    while (!ended && Date.now() < deadline && !(reached = underWay())) await new Promise((r) => setTimeout(r, 20));
    expect(ended, `k=${k}: the run ended before it was killed: ${stderr}`).toBe(false);
    expect(reached, `k=${k}: still not ${k} files after 300 s`).toBe(true);
    child.kill('SIGKILL');
    expect(await exited, `k=${k}`).toEqual([null, 'SIGKILL']);

    // It had not finished: no manifest, fewer files than the full run, and only files the full run has.
    const killed = finals(dir);
    expect(existsSync(join(dir, '_manifest.json')), `k=${k}`).toBe(false);
    expect(killed.length, `k=${k}`).toBeGreaterThanOrEqual(k);
    expect(killed.length, `k=${k}`).toBeLessThan(total);
    expect(listing(dir).some((f) => f.endsWith('.parquet') && !existsSync(join(full, f)))).toBe(false);
    const stamp = (f: string) => {
      const s = statSync(join(dir, f));
      return [s.ino, s.mtimeMs];
    };
    const before = Object.fromEntries(killed.map((f) => [f, stamp(f)]));

    const resumed = run([...args, '--out', dir, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(shas(dir)).toEqual(shas(full));
    expect(listing(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    // The resume completed the run: the files the killed run had finished were kept, not rewritten.
    expect(Object.fromEntries(killed.map((f) => [f, stamp(f)])), `k=${k}`).toEqual(before);
  });

  it("a shard starting beside another leaves the other's files being written alone", () => {
    const dir = join(work, 'side-by-side');
    const other = join(dir, 'ER_PRS_F', 'year=2024', 'part-1-00000.parquet.tmp');
    const own = join(dir, 'ER_PRS_F', 'year=2024', 'part-0-00007.parquet.tmp');
    mkdirSync(dirname(other), { recursive: true });
    const sibling = join(dir, '_manifest-1-of-2.json.tmp');
    for (const f of [other, own, sibling]) writeFileSync(f, 'being written');
    writeFileSync(join(dir, '_run-1-of-2.json'), '{}');
    const r = run(['generate', '--beneficiaries', '300', '--years', '2024', '--shard', '0/2', '--out', dir]);
    expect(r.status, r.stderr).toBe(0);
    expect([other, own, sibling].map(existsSync)).toEqual([true, false, true]);
  });

  it('the seed-stability contract: a small reference dataset keeps its pinned digest', () => {
    const dir = join(work, 'pinned');
    expect(
      run(['generate', '--beneficiaries', '500', '--years', '2023-2024', '--seed', '7', '--out', dir]).status,
    ).toBe(0);
    const digest = manifest(dir)
      .files.map((f) => `${f.path} ${f.sha256}`)
      .join('\n');
    const sum = createHash('sha256').update(digest).digest('hex');
    expect(sum).toBe(PINNED_DIGEST);
  });

  it('every Parquet file carries synthetic=true, the seed and the epoch', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    const r = await conn.runAndReadAll(
      "SELECT count(DISTINCT file_name) FILTER (WHERE key::VARCHAR = 'synthetic' AND value::VARCHAR = 'true'), " +
        "count(DISTINCT file_name) FILTER (WHERE key::VARCHAR = 'seed' AND value::VARCHAR = '42'), " +
        "count(DISTINCT file_name) FILTER (WHERE key::VARCHAR = 'epoch'), " +
        `count(DISTINCT file_name) FROM parquet_kv_metadata('${a}/**/*.parquet')`,
    );
    const [synthetic, seed, epoch, files] = r.getRowsJS()[0].map(Number);
    expect([synthetic, seed, epoch]).toEqual([files, files, files]);
    conn.closeSync();
  });
});

/** Changes only when the epoch changes (see README, "Seed stability"). */
const PINNED_DIGEST = '3ef0f52c9054b6c828b520facac98f0cd43efda76749ea9eb024e016b2fb92de';

describe('bad input: one line, exit 2, nothing written', () => {
  const cases: [string, string[]][] = [
    ['negative size', ['--beneficiaries', '-5', '--years', '2022-2024']],
    ['non-integer size', ['--beneficiaries', '2.5', '--years', '2022-2024']],
    ['inverted years', ['--beneficiaries', '10', '--years', '2024-2022']],
    ['shard beyond its count', ['--beneficiaries', '10', '--years', '2022', '--shard', '5/3']],
    ['unknown table', ['--beneficiaries', '10', '--years', '2022', '--tables', 'ER_XXX_F']],
  ];
  for (const [name, args] of cases) {
    it(name, () => {
      const dir = join(work, 'bad-' + name.replace(/\W/g, ''));
      const r = run(['generate', ...args, '--out', dir]);
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^sndsbench: /);
      expect(existsSync(dir)).toBe(false);
    });
  }

  it('non-empty output without --overwrite', () => {
    const dir = join(work, 'occupied');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'keep me');
    const r = run(['generate', '--beneficiaries', '10', '--years', '2022', '--out', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not empty/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('output path under a regular file (ENOTDIR)', () => {
    const parent = join(work, 'file-parent');
    mkdirSync(parent);
    writeFileSync(join(parent, 'file'), '');
    const r = run(['generate', '--beneficiaries', '10', '--years', '2022', '--out', join(parent, 'file', 'sub')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sndsbench: cannot write to .*ENOTDIR/);
    expect(readdirSync(parent)).toEqual(['file']);
    expect(statSync(join(parent, 'file')).isFile()).toBe(true);
    expect(readFileSync(join(parent, 'file'), 'utf8')).toBe('');
  });

  // Root ignores permission bits, so a chmod-ed folder is writable when the tests run as root: sysfs
  // refuses a new folder to everyone. (Not /proc: there mkdir says ENOENT, and Node's recursive mkdir
  // then retries forever.)
  it.skipIf(!existsSync('/sys/kernel'))('unwritable output path (under /sys, refused even to root)', () => {
    const out = join('/sys', `sndsbench-${process.pid}`, 'out');
    const r = run(['generate', '--beneficiaries', '10', '--years', '2022', '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^sndsbench: cannot write to /);
    expect(existsSync(join('/sys', `sndsbench-${process.pid}`))).toBe(false);
  });
});
