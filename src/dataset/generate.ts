// `sndsbench generate`: walks the shard's blocks of beneficiaries once per year, stages each table's
// rows in memory and rolls them into Parquet files at block boundaries, so that a run can resume.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';
import { GENERATED, PERSON_TABLES, emitCareYear, emitPersonTables, type FactTable, type Out } from '../snds/tables.js';
import { SENTINEL_DATE } from '../model/dates.js';
import { REFERENTIAL_COLUMNS, emitReferentials, type ReferentialTable } from '../snds/referentials.js';
import { person, type Params } from '../model/population.js';
import { checkCalibration, nomenclaturePath } from '../model/calibration.js';
import { UsageError } from '../util/errors.js';
import { schema } from '../snds/schema.js';
import { ParquetEngine, StagedTable, type WriteOptions } from './parquet.js';
import { sha256File, writeAtomic } from '../util/files.js';
import { Progress, type Prediction } from '../util/progress.js';
import { expectedRows } from '../model/expected.js';
import { loadCalibration } from './sizes.js';
import { isDatasetRecord, manifestName, type Manifest, type ManifestFile } from '../contracts/dataset.js';
import { EPOCH, BLOCK, ROW_GROUP } from './layout.js';
import { VERSION } from '../util/version.js';
import { FACT_TABLES, REFERENTIAL_TABLES, NOMENCLATURE_TABLES, ALL_TABLES } from '../snds/catalog.js';
import { quote, sqlString } from '../util/sql.js';

export interface GenerateOptions extends Params {
  out: string;
  shard: { index: number; count: number };
  tables: string[];
  overwrite: boolean;
  resume: boolean;
  fileRows: number;
  progress: boolean;
}

function runName(shard: { index: number; count: number }): string {
  return `_run-${shard.index}-of-${shard.count}.json`;
}

function parameters(o: GenerateOptions): Record<string, unknown> {
  return {
    seed: o.seed,
    beneficiaries: o.beneficiaries,
    years: `${o.firstYear}-${o.lastYear}`,
    shard: `${o.shard.index}/${o.shard.count}`,
    tables: o.tables,
    file_rows: o.fileRows,
    epoch: EPOCH,
  };
}

/** Shards of one dataset may share a folder: it may hold the other shards' files of the same N. */
function holdsOnlySiblingShards(o: GenerateOptions, entries: string[], foreign: string[]): boolean {
  if (o.shard.count === 1 || foreign.length > 0 || entries.includes(runName(o.shard))) return false;
  if (entries.includes(manifestName({ index: 0, count: 1 }))) return false;
  return entries.filter((e) => e.startsWith('_run-')).every((e) => e.endsWith(`-of-${o.shard.count}.json`));
}

/** Checks the output folder before anything is written; clears it with --overwrite. */
/** mkdir -p one level at a time: Node's recursive mkdir never returns where a parent exists but
 * refuses children (/proc). */
function makeFolders(dir: string): void {
  if (existsSync(dir)) return;
  makeFolders(dirname(dir));
  mkdirSync(dir);
}

export function prepareOutput(o: GenerateOptions): void {
  // A bad calibration/model.json stops the run here, before the output is touched.
  checkCalibration();
  if (existsSync(o.out) && !statSync(o.out).isDirectory())
    throw new UsageError(`output ${o.out} exists and is not a folder`);
  const entries = existsSync(o.out) ? readdirSync(o.out) : [];
  const ours = (e: string) => ALL_TABLES.includes(e) || isDatasetRecord(e.replace(/\.tmp$/, ''));
  if (entries.length > 0 && !o.resume) {
    const foreign = entries.filter((e) => !ours(e));
    if (!o.overwrite) {
      if (!holdsOnlySiblingShards(o, entries, foreign))
        throw new UsageError(`output ${o.out} is not empty: pass --overwrite to replace it or --resume to complete it`);
    } else {
      if (foreign.length > 0)
        throw new UsageError(
          `refusing to overwrite ${o.out}: ` +
            `it holds files that are not a sndsbench dataset (${foreign.slice(0, 3).join(', ')})`,
        );
      for (const e of entries) rmSync(join(o.out, e), { recursive: true, force: true });
    }
  }
  if (o.resume) {
    const run = join(o.out, runName(o.shard));
    if (!existsSync(run)) throw new UsageError(`nothing to resume in ${o.out}: no ${runName(o.shard)}`);
    const before = JSON.parse(readFileSync(run, 'utf8'));
    if (JSON.stringify(before) !== JSON.stringify(parameters(o)))
      throw new UsageError(`cannot resume ${o.out}: it was started with other parameters (${JSON.stringify(before)})`);
  }
  try {
    makeFolders(o.out);
    // A real write: permission bits do not tell what root may write (sysfs, read-only mounts).
    const probe = join(o.out, `_run-write-probe-${process.pid}.json.tmp`);
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (e) {
    throw new UsageError(`cannot write to ${o.out}: ${(e as Error).message}`);
  }
}

interface Writer {
  table: string;
  staged: StagedTable;
  dir: string;
  year: number | null;
  nextFile: number;
  /** Blocks before this one are already in finished files (resume). */
  doneBelow: number;
  fromBlock: number;
  /** Rows staged before the current block (for the progress bar). */
  rowsBefore: number;
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: false })
    .map(String)
    .filter((f) => !statSync(join(dir, f)).isDirectory());
}

export async function generate(o: GenerateOptions): Promise<Manifest> {
  prepareOutput(o);
  const started = Date.now();
  writeAtomic(join(o.out, runName(o.shard)), JSON.stringify(parameters(o)));
  const engine = await ParquetEngine.open();
  const selected = new Set(o.tables);
  const rowGroupSize = Math.min(ROW_GROUP, o.fileRows);
  const partName = (n: number) => `part-${o.shard.index}-${String(n).padStart(5, '0')}.parquet`;
  const shardPrefix = `part-${o.shard.index}-`;
  const metadata = (blocks: string) => ({
    synthetic: 'true',
    generator: 'sndsbench',
    version: VERSION,
    epoch: String(EPOCH),
    seed: String(o.seed),
    parameters: JSON.stringify(parameters(o)),
    blocks,
  });

  // Leftovers of this shard's interrupted run never carry a final name; drop them. Other shards' temporary
  // files are left alone: shards of one dataset may be generated side by side into the same folder.
  const ownLeftover = (f: string) =>
    f.endsWith('.tmp') &&
    (basename(f).startsWith(shardPrefix) ||
      [runName(o.shard), manifestName(o.shard)].includes(f.replace(/\.tmp$/, '')));
  for (const f of listFiles(o.out)) if (ownLeftover(f)) rmSync(join(o.out, f));

  const writers = new Map<string, Writer>();
  const writerFor = async (
    table: string,
    year: number | null,
    columns: ConstructorParameters<typeof StagedTable>[2],
  ): Promise<Writer> => {
    const key = `${table}|${year}`;
    let w = writers.get(key);
    if (!w) {
      const dir = year === null ? join(o.out, table) : join(o.out, table, `year=${year}`);
      const done = listFiles(dir)
        .filter((f) => f.startsWith(shardPrefix) && f.endsWith('.parquet'))
        .sort();
      let doneBelow = 0;
      for (const f of done) {
        const r = await engine.conn.runAndReadAll(
          `SELECT value::VARCHAR FROM parquet_kv_metadata(${sqlString(join(dir, f))}) WHERE key::VARCHAR = 'blocks'`,
        );
        doneBelow = Math.max(doneBelow, Number(String(r.getRowsJS()[0]?.[0] ?? '0-0').split('-')[1]));
      }
      w = {
        table,
        staged: new StagedTable(engine, schema(table), columns),
        dir,
        year,
        nextFile: done.length,
        doneBelow,
        fromBlock: doneBelow,
        rowsBefore: 0,
      };
      w.staged.batch.spillTo(spillPath(w));
      writers.set(key, w);
    }
    return w;
  };
  // The rows of the file being filled wait on disk beside it, not in memory (src/snds/spill.ts).
  const spillPath = (w: Writer) => join(w.dir, `${partName(w.nextFile)}.rows.tmp`);
  const flush = async (w: Writer, toBlock: number) => {
    mkdirSync(w.dir, { recursive: true });
    const final = join(w.dir, partName(w.nextFile));
    await w.staged.writeFile(final + '.tmp', { rowGroupSize, metadata: metadata(`${w.fromBlock}-${toBlock}`) });
    renameSync(final + '.tmp', final);
    written += statSync(final).size;
    w.nextFile++;
    w.fromBlock = toBlock;
    w.staged.batch.spillTo(spillPath(w));
  };

  let written = 0;
  const blocks = Math.ceil(o.beneficiaries / BLOCK);
  const firstBlock = Math.floor((o.shard.index * blocks) / o.shard.count);
  const endBlock = Math.floor(((o.shard.index + 1) * blocks) / o.shard.count);

  // Pre-create the writers so that resume knows, per table, how far its files reach.
  const years: number[] = [];
  for (let y = o.firstYear; y <= o.lastYear; y++) years.push(y);
  for (const t of FACT_TABLES.filter((t) => selected.has(t))) {
    for (const y of schema(t).partitioned_by_year ? years : [null]) await writerFor(t, y, GENERATED[t as FactTable]);
  }
  const out: Out = (table, year) =>
    selected.has(table)
      ? (writers.get(`${table}|${schema(table).partitioned_by_year ? year : null}`)?.staged.batch ?? null)
      : null;

  // One pass over the shard per year, then one for the person tables: only one year's files are
  // open at a time, so memory does not grow with the years, and every file still gets its rows in
  // beneficiary order. A pass starts where its files stop (resume).
  const passStart = (ws: Writer[]) =>
    Math.max(firstBlock, Math.min(endBlock, ...ws.map((w) => Math.max(w.doneBelow, firstBlock))));
  const inPass = (year: number | null) =>
    [...writers.values()].filter((w) =>
      year === null ? PERSON_TABLES.includes(w.table) : w.year === year && !PERSON_TABLES.includes(w.table),
    );
  const personPass = { year: null, writers: inPass(null), start: passStart(inPass(null)) };
  // IR_BEN_R reports the last processing date over all years: the years' passes draw it for the
  // beneficiaries the person pass has still to write.
  const lastProcessed = new Int32Array((endBlock - firstBlock) * BLOCK).fill(SENTINEL_DATE);
  const needsLastProcessed = selected.has('IR_BEN_R') ? personPass.start : endBlock;
  const passes = [
    ...years.map((year) => ({
      year,
      writers: inPass(year),
      start: Math.min(passStart(inPass(year)), needsLastProcessed),
    })),
    personPass,
  ];

  const startBlock = Math.min(...passes.map((p) => p.start));
  const progress = new Progress(
    o.progress,
    passes.length * (endBlock - firstBlock),
    passes.reduce((s, p) => s + p.start - firstBlock, 0),
    o.progress ? predict(o, (endBlock - startBlock) / blocks) : null,
  );
  for (const pass of passes) {
    for (let b = pass.start; b < endBlock; b++) {
      const last = Math.min(o.beneficiaries, (b + 1) * BLOCK);
      for (let i = b * BLOCK; i < last; i++) {
        const k = i - firstBlock * BLOCK;
        if (pass.year === null) emitPersonTables(o, person(o, i), lastProcessed[k], out);
        else lastProcessed[k] = Math.max(lastProcessed[k], emitCareYear(o, person(o, i), pass.year, out));
      }
      let rows = 0;
      for (const w of pass.writers) {
        if (b < w.doneBelow) {
          w.staged.batch.clear();
          continue;
        }
        rows += w.staged.stagedRows - w.rowsBefore;
        if (w.staged.stagedRows >= o.fileRows) await flush(w, b + 1);
        else w.staged.batch.spillFull();
        w.rowsBefore = w.staged.stagedRows;
      }
      progress.tick(rows, written);
    }
    for (const w of pass.writers)
      if (w.staged.stagedRows > 0 || (w.nextFile === 0 && endBlock > firstBlock)) await flush(w, endBlock);
  }
  progress.done();

  if (o.shard.index === 0)
    await writeReferentials(o, engine, selected, { rowGroupSize, metadata: metadata(`0-${blocks}`) }, partName(0));
  engine.close();

  const manifest = { ...(await buildManifest(o)), generation_seconds: (Date.now() - started) / 1000 };
  writeAtomic(join(o.out, manifestName(o.shard)), JSON.stringify(manifest, null, 1) + '\n');
  return manifest;
}

/** The plan's rows and time for the part of the dataset this run generates. */
function predict(o: GenerateOptions, share: number): Prediction {
  const expected = expectedRows(o);
  let rows = 0;
  for (const t of FACT_TABLES)
    if (o.tables.includes(t)) for (const n of expected.get(t)?.values() ?? []) rows += n * share;
  return { rows, seconds: rows / loadCalibration().rows_per_core_second };
}

async function writeReferentials(
  o: GenerateOptions,
  engine: ParquetEngine,
  selected: Set<string>,
  write: WriteOptions,
  file: string,
): Promise<void> {
  const { metadata } = write;
  const done = (t: string) => existsSync(join(o.out, t, file));
  const staged = new Map<string, StagedTable>();
  for (const t of REFERENTIAL_TABLES) {
    const columns = REFERENTIAL_COLUMNS[t as ReferentialTable];
    if (selected.has(t) && !done(t)) staged.set(t, new StagedTable(engine, schema(t), columns));
  }
  emitReferentials(o, (t) => staged.get(t)?.batch ?? null);
  for (const [t, s] of staged) {
    mkdirSync(join(o.out, t), { recursive: true });
    const path = join(o.out, t, file);
    await s.writeFile(path + '.tmp', write);
    renameSync(path + '.tmp', path);
  }
  for (const t of NOMENCLATURE_TABLES) {
    if (!selected.has(t) || done(t)) continue;
    mkdirSync(join(o.out, t), { recursive: true });
    const path = join(o.out, t, file);
    const cols = schema(t)
      .columns.map((c) => `CAST(NULLIF(TRIM(${quote(c.name)}), '') AS ${c.type}) AS ${quote(c.name)}`)
      .join(', ');
    const kv = Object.entries(metadata)
      .map(([k, v]) => `${quote(k)}: ${sqlString(v)}`)
      .join(', ');
    await engine.conn.run(
      `COPY (SELECT ${cols} FROM read_csv(${sqlString(nomenclaturePath(t))}, ` +
        `delim=';', header=true, all_varchar=true, quote='"')) ` +
        `TO ${sqlString(path + '.tmp')} (FORMAT parquet, COMPRESSION zstd, KV_METADATA {${kv}})`,
    );
    renameSync(path + '.tmp', path);
  }
}

async function buildManifest(o: GenerateOptions): Promise<Manifest> {
  const engine = await ParquetEngine.open();
  const files: ManifestFile[] = [];
  const rows: Record<string, number> = {};
  const mine = `part-${o.shard.index}-`;
  for (const f of listFiles(o.out)
    .filter((f) => f.endsWith('.parquet'))
    .sort()) {
    const parts = f.split(sep);
    if (!parts[parts.length - 1].startsWith(mine)) continue;
    const path = join(o.out, f);
    const r = await engine.conn.runAndReadAll(`SELECT num_rows FROM parquet_file_metadata(${sqlString(path)})`);
    const n = Number(r.getRowsJS()[0][0]);
    const year = parts.length === 3 ? Number(parts[1].slice(5)) : null;
    files.push({
      path: relative(o.out, path),
      table: parts[0],
      year,
      rows: n,
      bytes: statSync(path).size,
      sha256: await sha256File(path),
    });
    rows[parts[0]] = (rows[parts[0]] ?? 0) + n;
  }
  engine.close();
  return {
    generator: 'sndsbench',
    version: VERSION,
    epoch: EPOCH,
    synthetic: true,
    parameters: parameters(o),
    files,
    rows,
  };
}
