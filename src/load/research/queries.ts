// The research query file (queries/research.json by default, or the user's): read and checked whole,
// then resolved against a dataset: each query's year, the files each of its tables reads, and the
// columns those files must have. A mistake is one line naming the query.
import { closeSync, existsSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { UsageError } from '../../util/errors.js';
import { projectPath } from '../../util/paths.js';
import type { ManifestFile } from '../../contracts/dataset.js';
import { columnsOf, groupKey, joinPairs, type Query, type QueryFile } from '../../../scenarios/lib/research/query.js';

export const DEFAULT_QUERIES = projectPath('queries', 'research.json');

const OPS = ['=', '!=', 'in', 'prefix', 'between', '>=', '<'];
const FNS = ['count', 'count_distinct', 'sum', 'min', 'max'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function loadQueries(path: string): Query[] {
  const file = resolve(path);
  if (!existsSync(file)) throw new UsageError(`query file ${file}: no such file`);
  let raw: QueryFile;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as QueryFile;
  } catch (e) {
    throw new UsageError(`query file ${file}: not valid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw?.queries) || raw.queries.length === 0)
    throw new UsageError(`query file ${file}: expected {"queries": [...]} with at least one query`);
  const ids = new Set<string>();
  for (const [i, q] of raw.queries.entries()) {
    const fail = (what: string): never => {
      throw new UsageError(`query file ${file}: query ${q?.id ?? i + 1}: ${what}`);
    };
    if (typeof q?.id !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(q.id))
      fail('id must be lower-case letters, digits, -');
    if (ids.has(q.id)) fail('id used twice');
    ids.add(q.id);
    if (typeof q.class !== 'string' || !q.class) fail('class must be a name (cohort, dcir-month, join...)');
    if (!(q.year === 'first' || q.year === 'last' || Number.isInteger(q.year)))
      fail('year must be first, last or a year');
    const tables = [q.from, ...(q.join ?? [])];
    const aliases = new Set<string>();
    for (const t of tables) {
      if (!t || typeof t.table !== 'string' || !NAME.test(t.table)) fail('every table needs a table name');
      if (typeof t.as !== 'string' || !NAME.test(t.as) || aliases.has(t.as))
        fail(`table ${t.table}: give a new alias (as)`);
      aliases.add(t.as);
      for (const c of t.where ?? []) {
        if (!NAME.test(String(c.col)) || !OPS.includes(c.op))
          fail(`${t.as}: a condition needs col and op in ${OPS.join(' ')}`);
        const n = Array.isArray(c.value) ? c.value.length : 1;
        if (c.op === 'between' && n !== 2) fail(`${t.as}.${c.col}: between takes [low, high]`);
        if (['=', '!=', '>=', '<'].includes(c.op) && Array.isArray(c.value))
          fail(`${t.as}.${c.col}: ${c.op} takes one value`);
      }
    }
    const qualified = (col: unknown, seen: Set<string>) => {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(String(col));
      if (!m || !seen.has(m[1])) fail(`${String(col)}: name a column as alias.COLUMN of a table read before`);
    };
    const seen = new Set([q.from.as]);
    for (const j of q.join ?? []) {
      if (typeof j.on === 'string' && !/^dcir:[A-Za-z_][A-Za-z0-9_]*$/.test(j.on))
        fail(`${j.as}: on must be pairs or "dcir:ALIAS"`);
      if (typeof j.on !== 'string' && (!Array.isArray(j.on) || j.on.length === 0)) fail(`${j.as}: on needs pairs`);
      for (const [left, right] of joinPairs(j)) {
        qualified(left, seen);
        if (!NAME.test(String(right))) fail(`${j.as}: ${String(right)} is not a column name`);
      }
      seen.add(j.as);
    }
    for (const g of q.group_by ?? []) qualified(groupKey(g).col, aliases);
    if (!Array.isArray(q.aggregates) || q.aggregates.length === 0) fail('give at least one aggregate');
    for (const a of q.aggregates) {
      if (!FNS.includes(a.fn)) fail(`aggregate fn must be one of ${FNS.join(', ')}`);
      if (a.col !== undefined) qualified(a.col, aliases);
      else if (a.fn !== 'count') fail(`${a.fn} needs a col`);
      if (!NAME.test(String(a.as))) fail('every aggregate needs a name (as)');
    }
  }
  return raw.queries;
}

/** One query resolved on a dataset: its year and, per table, the files and the columns read. */
export interface ResolvedQuery {
  query: Query;
  year: number;
  files: { alias: string; path: string; size: number; columns: string[] }[];
}

/** The Parquet footer of a local file (its last 1 MiB holds it in every file sndsbench writes). */
export function localMetadata(path: string): ReturnType<typeof parquetMetadata> {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 8));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    const need = Math.min(size, tail.readUInt32LE(0) + 8);
    const buf = Buffer.alloc(need);
    readSync(fd, buf, 0, need, size - need);
    return parquetMetadata(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer);
  } finally {
    closeSync(fd);
  }
}

export function resolveQueries(queries: Query[], dataset: string, files: ManifestFile[]): ResolvedQuery[] {
  return queries.map((q) => {
    const fail = (what: string): never => {
      throw new UsageError(`query ${q.id}: ${what}`);
    };
    const tables = [q.from, ...(q.join ?? [])];
    const years = [...new Set(files.filter((f) => f.table === q.from.table && f.year !== null).map((f) => f.year!))];
    years.sort((a, b) => a - b);
    const year = q.year === 'first' ? years[0] : q.year === 'last' ? years[years.length - 1] : q.year;
    if (year === undefined) fail(`the dataset has no ${q.from.table} by year`);
    const cols = columnsOf(q);
    const out: ResolvedQuery['files'] = [];
    for (const t of tables) {
      const of = files.filter((f) => f.table === t.table && (f.year === null || f.year === year));
      if (of.length === 0) fail(`the dataset has no ${t.table} file${of.length ? '' : ` for ${year}`}`);
      for (const f of of) {
        const names = new Set(localMetadata(join(dataset, f.path)).schema.map((s: { name: string }) => s.name));
        const missing = cols[t.as].find((c) => !names.has(c));
        if (missing) fail(`${t.table} has no column ${missing}`);
        out.push({ alias: t.as, path: f.path, size: f.bytes, columns: cols[t.as] });
      }
    }
    return { query: q, year, files: out };
  });
}
