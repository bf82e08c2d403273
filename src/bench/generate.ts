// `npm run bench`: our generator on a fixed DCIR workload, against DuckDB generating the same
// ER_PRS_F columns purely in SQL (the native reference) and parquetjs-lite writing the same rows (the
// baseline), measured in the same run on the same machine. One JSON line per figure.
// "Per core" means per CPU-second (all threads of the process), which a busy neighbour on a shared
// machine disturbs far less than wall time; each measurement is taken ROUNDS times, alternating
// with its peer, and the best kept.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { projectPath } from '../util/paths.js';
import { schema } from '../snds/schema.js';
import { GENERATED } from '../snds/tables.js';
import { ROW_GROUP } from '../dataset/layout.js';
import { quote, sqlString } from '../util/sql.js';

/** Every DCIR table the generator writes. */
const DCIR = Object.keys(GENERATED).filter((t) => t.startsWith('ER_'));
const BENEFICIARIES = Number(process.env.BENCH_BENEFICIARIES ?? 130000);
const BASELINE_ROWS = Number(process.env.BENCH_BASELINE_ROWS ?? 20000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);

interface Run {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  files: { table: string; rows: number; bytes: number }[];
}

/** Generation in `workers` processes at once (one shard each), timed from outside; `env` adds to ours. */
async function ours(
  beneficiaries: number,
  workers = 1,
  firstYear = 2024,
  env: Record<string, string> = {},
): Promise<Run> {
  const out = mkdtempSync(join(tmpdir(), 'sndsbench-bench-'));
  const started = Date.now();
  const parsed = await Promise.all(
    Array.from({ length: workers }, (_, i) => {
      const o = {
        beneficiaries,
        firstYear,
        lastYear: 2024,
        seed: 42,
        out,
        shard: { index: i, count: workers },
        tables: DCIR,
        overwrite: false,
        resume: false,
        fileRows: 1 << 20,
        progress: false,
      };
      const child = spawn('node', [projectPath('dist', 'src', 'bench', 'child.js'), JSON.stringify(o)], {
        env: { ...process.env, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      return new Promise<Run>((resolve, reject) =>
        child.on('exit', (code) =>
          code === 0
            ? resolve(JSON.parse(stdout.trim().split('\n').pop()!))
            : reject(new Error(`generation failed: ${stderr}`)),
        ),
      );
    }),
  );
  const wall = (Date.now() - started) / 1000;
  rmSync(out, { recursive: true, force: true });
  return {
    seconds: wall,
    cpuSeconds: parsed.reduce((s, p) => s + p.cpuSeconds, 0),
    maxRssMb: Math.max(...parsed.map((p) => p.maxRssMb)),
    files: parsed.flatMap((p) => p.files),
  };
}

/**
 * The same ER_PRS_F columns and types: the columns our model draws come from hashes of the row number
 * (inner query), the others get the same fills as ours (outer query, which may refer to drawn ones).
 */
function sqlSelect(rows: number): string {
  const drawn = new Set<string>(GENERATED.ER_PRS_F.map(([n]) => n));
  const columns = schema('ER_PRS_F').columns;
  const inner = columns
    .filter((c) => drawn.has(c.name))
    .map((c, k) => {
      const h = `hash(range, ${k})`;
      if (c.type === 'VARCHAR') {
        const len = c.name === 'BEN_NIR_PSA' ? 12 : Math.min(c.length ?? 9, 9);
        const prefix = c.name === 'BEN_NIR_PSA' ? `'SYNP-' || ` : '';
        return `CAST(${prefix}substr(md5(CAST(${h} % 100000 AS VARCHAR)), 1, ${len}) AS VARCHAR) AS ${quote(c.name)}`;
      }
      if (c.type === 'DATE') return `DATE '2024-01-01' + CAST(${h} % 366 AS INTEGER) AS ${quote(c.name)}`;
      if (c.type.startsWith('DECIMAL')) return `CAST((${h} % 100000) / 100.0 AS ${c.type}) AS ${quote(c.name)}`;
      return `CAST(${h} % 1000 AS ${c.type}) AS ${quote(c.name)}`;
    })
    .join(', ');
  const outer = columns
    .map((c) => (drawn.has(c.name) ? quote(c.name) : `CAST(${c.fill ?? 'NULL'} AS ${c.type}) AS ${quote(c.name)}`))
    .join(', ');
  return `SELECT ${outer} FROM (SELECT ${inner} FROM range(${rows}))`;
}

/** CPU seconds of this process spent in `work`. */
async function cpuSecondsOf(work: () => Promise<void>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

async function duckdbSql(rows: number): Promise<{ cpuSeconds: number; bytes: number }> {
  const db = await DuckDBInstance.create(':memory:', { threads: '1' });
  const conn = await db.connect();
  const path = join(mkdtempSync(join(tmpdir(), 'sndsbench-sql-')), 'er_prs_f.parquet');
  const format = `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP})`;
  const copy = `COPY (${sqlSelect(rows)}) TO ${sqlString(path)} ${format}`;
  const cpuSeconds = await cpuSecondsOf(() => conn.run(copy).then(() => undefined));
  const bytes = statSync(path).size;
  conn.closeSync();
  db.closeSync();
  return { cpuSeconds, bytes };
}

async function parquetjsLite(rows: number): Promise<{ cpuSeconds: number }> {
  // Reads back a slice of our own ER_PRS_F rows, then times parquetjs-lite writing them.
  const parquet = (await import('parquetjs-lite')).default as {
    ParquetSchema: new (s: object) => unknown;
    ParquetWriter: {
      openFile(schema: unknown, path: string): Promise<{ appendRow(r: object): Promise<void>; close(): Promise<void> }>;
    };
  };
  const data = mkdtempSync(join(tmpdir(), 'sndsbench-pjs-'));
  spawnSync(
    'node',
    [
      projectPath('dist', 'src', 'cli.js'),
      'generate',
      '--beneficiaries',
      String(Math.ceil(rows / 30)),
      '--years',
      '2024',
      '--out',
      data,
      '--tables',
      'ER_PRS_F',
    ],
    { encoding: 'utf8' },
  );
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  const cols = schema('ER_PRS_F').columns;
  const result = await conn.runAndReadAll(
    `SELECT * FROM read_parquet(${sqlString(join(data, 'ER_PRS_F', '**', '*.parquet'))}) LIMIT ${rows}`,
  );
  const objects = result.getRowObjectsJS() as Record<string, unknown>[];
  const type = (t: string) =>
    t === 'VARCHAR'
      ? 'UTF8'
      : t === 'DATE'
        ? 'DATE'
        : t === 'BOOLEAN'
          ? 'BOOLEAN'
          : t.startsWith('DECIMAL') || t === 'DOUBLE'
            ? 'DOUBLE'
            : t === 'BIGINT'
              ? 'INT64'
              : 'INT32';
  const pschema = new parquet.ParquetSchema(
    Object.fromEntries(cols.map((c) => [c.name, { type: type(c.type), optional: true }])),
  );
  const rowsOut = objects.map((o) =>
    Object.fromEntries(
      cols.map((c) => [
        c.name,
        o[c.name] === null ? undefined : typeof o[c.name] === 'bigint' ? Number(o[c.name]) : o[c.name],
      ]),
    ),
  );
  const cpuSeconds = await cpuSecondsOf(async () => {
    const w = await parquet.ParquetWriter.openFile(pschema, join(data, 'pjs.parquet'));
    for (const r of rowsOut) await w.appendRow(r);
    await w.close();
  });
  conn.closeSync();
  db.closeSync();
  rmSync(data, { recursive: true, force: true });
  return { cpuSeconds: cpuSeconds * (rows / Math.max(1, rowsOut.length)) };
}

const line = (o: object) => console.log(JSON.stringify(o));
const r3 = (x: number) => Math.round(x * 1000) / 1000;

const best = <T>(runs: T[], rate: (r: T) => number): T => runs.reduce((a, b) => (rate(b) > rate(a) ? b : a));

async function main(): Promise<void> {
  // Ours and the DuckDB-SQL reference alternate, so that a slow spell of the machine hits both.
  const oursRuns: Run[] = [];
  const sqlRuns: { cpuSeconds: number; rows: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const run = await ours(BENEFICIARIES);
    oursRuns.push(run);
    const prsRows = run.files.filter((f) => f.table === 'ER_PRS_F').reduce((s, f) => s + f.rows, 0);
    sqlRuns.push({ ...(await duckdbSql(prsRows)), rows: prsRows });
  }
  const one = best(oursRuns, (r) => 1 / r.cpuSeconds);
  const byTable = new Map<string, { rows: number; bytes: number }>();
  for (const f of one.files) {
    const t = byTable.get(f.table) ?? { rows: 0, bytes: 0 };
    t.rows += f.rows;
    t.bytes += f.bytes;
    byTable.set(f.table, t);
  }
  for (const [table, t] of byTable) {
    line({
      metric: 'rows_per_s_per_core',
      table,
      ours: Math.round(t.rows / one.cpuSeconds),
      rows: t.rows,
      cpu_seconds: r3(one.cpuSeconds),
      wall_seconds: r3(one.seconds),
    });
    line({ metric: 'mb_per_s_per_core', table, ours: r3(t.bytes / 1e6 / one.cpuSeconds) });
  }
  // The generation process as `sndsbench generate` runs it, with no environment variable set.
  line({
    metric: 'peak_rss_mb',
    settings: 'default',
    ours: Math.round(Math.max(...oursRuns.map((r) => r.maxRssMb))),
    limit: 700,
    prs_rows: byTable.get('ER_PRS_F')?.rows,
    rows: one.files.reduce((s, f) => s + f.rows, 0),
  });
  const oursPrs = byTable.get('ER_PRS_F')!.rows / one.cpuSeconds;
  const sql = best(sqlRuns, (r) => r.rows / r.cpuSeconds);
  const sqlRate = sql.rows / sql.cpuSeconds;
  line({
    metric: 'rows_per_s_per_core',
    table: 'ER_PRS_F',
    ours: Math.round(oursPrs),
    peer: 'duckdb-sql',
    peer_value: Math.round(sqlRate),
    ratio: r3(oursPrs / sqlRate),
  });
  const pjs = await parquetjsLite(BASELINE_ROWS);
  const pjsRate = BASELINE_ROWS / pjs.cpuSeconds;
  line({
    metric: 'rows_per_s_per_core',
    table: 'ER_PRS_F',
    ours: Math.round(oursPrs),
    peer: 'parquetjs-lite',
    peer_value: Math.round(pjsRate),
    ratio: r3(oursPrs / pjsRate),
  });
  // Throughput of two shard processes against one, on the wall clock: what --workers buys.
  const total = (r: Run) => r.files.reduce((s, f) => s + f.rows, 0) / r.seconds;
  const singles: Run[] = [];
  const pairs: Run[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    singles.push(await ours(BENEFICIARIES, 1, 2024));
    pairs.push(await ours(BENEFICIARIES, 2, 2024));
  }
  // Memory against the number of years: one year's files are open at a time.
  const years = await ours(Math.round(BENEFICIARIES / 19), 1, 2006);
  const oneYear = await ours(Math.round(BENEFICIARIES / 19), 1, 2024);
  line({
    metric: 'peak_rss_mb_by_years',
    beneficiaries: Math.round(BENEFICIARIES / 19),
    years_1: Math.round(oneYear.maxRssMb),
    years_19: Math.round(years.maxRssMb),
    ratio: r3(years.maxRssMb / oneYear.maxRssMb),
  });
  line({
    metric: 'workers_speedup',
    ours: r3(total(best(pairs, total)) / total(best(singles, total))),
    workers: 2,
    note: 'two shard processes on 2 cores against one, best of each',
  });
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
