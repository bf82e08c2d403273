// The research queries' declarative form, and the executor the k6 reader runs over decoded columns.
// One form, two engines: src/load/research/sql.ts turns the same query into DuckDB SQL, whose answer
// on the local copy of the dataset is the expected one. Every value is compared in a canonical text
// form (dates YYYY-MM-DD, integers and BIGINT as digits, sums to two decimals), so the two agree.

/** A condition on one column of one table, applied while that table is read. */
export interface Condition {
  col: string;
  op: '=' | '!=' | 'in' | 'prefix' | 'between' | '>=' | '<';
  /** Dates as 'YYYY-MM-DD'; '{year}' stands for the query's year. */
  value: string | number | (string | number)[];
}

export interface TableRead {
  table: string;
  /** How other parts of the query name its columns (`alias.COLUMN`). */
  as: string;
  where?: Condition[];
}

export interface JoinRead extends TableRead {
  /** Pairs [`alias.COLUMN` already read, COLUMN of this table]; the string "dcir:ALIAS" means the
   * nine DCIR keys joined to ALIAS. Inner join. */
  on: [string, string][] | string;
}

export interface GroupKey {
  col: string;
  /** Group by the first N characters (an ICD-10 chapter letter, an ATC class). */
  prefix?: number;
}

export interface Aggregate {
  fn: 'count' | 'count_distinct' | 'sum' | 'min' | 'max';
  /** `alias.COLUMN`; absent for count(*). */
  col?: string;
  as: string;
}

export interface Query {
  id: string;
  /** What kind of work a researcher does: cohort, dcir-month, join, pmsi, metadata... */
  class: string;
  title: string;
  /** The care year read: the dataset's first or last, or a number. */
  year: 'first' | 'last' | number;
  from: TableRead;
  join?: JoinRead[];
  group_by?: (string | GroupKey)[];
  aggregates: Aggregate[];
}

export interface QueryFile {
  queries: Query[];
}

/** The nine columns that identify a DCIR claim line across ER_PRS_F and its satellite tables. */
export const DCIR_KEYS = [
  'FLX_DIS_DTD',
  'FLX_TRT_DTD',
  'FLX_EMT_TYP',
  'FLX_EMT_NUM',
  'FLX_EMT_ORD',
  'ORG_CLE_NUM',
  'DCT_ORD_NUM',
  'PRS_ORD_NUM',
  'REM_TYP_AFF',
];

export const joinPairs = (j: JoinRead): [string, string][] =>
  typeof j.on === 'string' ? DCIR_KEYS.map((k) => [`${j.on.toString().slice(5)}.${k}`, k]) : j.on;

export const groupKey = (g: string | GroupKey): GroupKey => (typeof g === 'string' ? { col: g } : g);

const split = (q: string): [string, string] => {
  const i = q.indexOf('.');
  return [q.slice(0, i), q.slice(i + 1)];
};

/** The columns each alias must read: its filters, its join keys, what the output groups and sums. */
export function columnsOf(q: Query): Record<string, string[]> {
  const cols: Record<string, Set<string>> = {};
  const need = (alias: string, col: string) => (cols[alias] ??= new Set()).add(col);
  for (const t of [q.from, ...(q.join ?? [])]) {
    cols[t.as] ??= new Set();
    for (const c of t.where ?? []) need(t.as, c.col);
  }
  for (const j of q.join ?? [])
    for (const [left, right] of joinPairs(j)) {
      need(...split(left));
      need(j.as, right);
    }
  for (const g of q.group_by ?? []) need(...split(groupKey(g).col));
  for (const a of q.aggregates) if (a.col) need(...split(a.col));
  return Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, [...v].sort()]));
}

/** A value as text: the form both engines' answers are compared in. */
export function canonical(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  return String(v);
}

/** '{year}' replaced by the query's year, in a condition's value. */
export function withYear(v: Condition['value'], year: number): Condition['value'] {
  const one = (x: string | number) => (typeof x === 'string' ? x.split('{year}').join(String(year)) : x);
  return Array.isArray(v) ? v.map(one) : one(v);
}

/** A condition as a test of one decoded value (null never passes, as in SQL). */
export function test(c: Condition, year: number): (v: unknown) => boolean {
  const value = withYear(c.value, year);
  const list = (Array.isArray(value) ? value : [value]).map((x) => String(x));
  const num = (x: string | number) => (typeof x === 'number' ? x : null);
  const order = (v: unknown, x: string | number): number => {
    const n = num(x);
    if (n !== null) return Number(v) - n;
    const s = canonical(v);
    return s < String(x) ? -1 : s > String(x) ? 1 : 0;
  };
  switch (c.op) {
    case '=':
      return (v) => v !== null && v !== undefined && canonical(v) === list[0];
    case '!=':
      return (v) => v !== null && v !== undefined && canonical(v) !== list[0];
    case 'in': {
      const set = new Set(list);
      return (v) => v !== null && v !== undefined && set.has(canonical(v));
    }
    case 'prefix':
      return (v) => v !== null && v !== undefined && list.some((p) => canonical(v).startsWith(p));
    case 'between': {
      const [lo, hi] = value as (string | number)[];
      return (v) => v !== null && v !== undefined && order(v, lo) >= 0 && order(v, hi) <= 0;
    }
    case '>=':
      return (v) => v !== null && v !== undefined && order(v, value as string | number) >= 0;
    case '<':
      return (v) => v !== null && v !== undefined && order(v, value as string | number) < 0;
  }
}

/** Decoded columns of one table, filtered: column name → values, every column the same length. */
export type Columns = Record<string, unknown[]>;

/** Rows of one table's columns that pass its conditions. */
export function filterRows(cols: Columns, where: Condition[], year: number, rows: number): number[] {
  const tests = where.map((c) => [cols[c.col], test(c, year)] as const);
  const keep: number[] = [];
  for (let i = 0; i < rows; i++) if (tests.every(([col, t]) => t(col[i]))) keep.push(i);
  return keep;
}

/** One answer: a header and rows of canonical text, sorted. */
export interface Answer {
  columns: string[];
  rows: string[][];
}

export const outputColumns = (q: Query): string[] => [
  ...(q.group_by ?? []).map((g) => {
    const k = groupKey(g);
    return k.prefix ? `${k.col}[${k.prefix}]` : k.col;
  }),
  ...q.aggregates.map((a) => a.as),
];

export function sortRows(rows: string[][]): string[][] {
  return rows.sort((a, b) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
  });
}

/** A sum, minimum or maximum as compared: numbers to two decimals, dates and text as they are. */
export function canonicalAggregate(fn: Aggregate['fn'], v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (fn === 'count' || fn === 'count_distinct') return String(v);
  if (typeof v === 'number') return v.toFixed(2);
  if (typeof v === 'bigint') return v.toString();
  return canonical(v);
}

/** The query over each alias's filtered columns (`tables[alias]`, with `rows[alias]` rows): hash joins in
 * the order written, then the groups and their aggregates. */
export function execute(q: Query, tables: Record<string, Columns>, rows: Record<string, number>, year: number): Answer {
  // Tuples of row indexes, one per alias read so far.
  const aliases = [q.from.as];
  let tuples: number[][] = filterRows(tables[q.from.as], q.from.where ?? [], year, rows[q.from.as]).map((i) => [i]);
  const value = (alias: string, col: string, t: number[]) => tables[alias][col][t[aliases.indexOf(alias)]];
  for (const j of q.join ?? []) {
    const pairs = joinPairs(j).map(([l, r]) => [split(l), r] as const);
    const build = new Map<string, number[]>();
    for (const i of filterRows(tables[j.as], j.where ?? [], year, rows[j.as])) {
      const key = pairs.map(([, r]) => tables[j.as][r][i]);
      if (key.some((k) => k === null || k === undefined)) continue;
      const k = key.map(canonical).join('\u0001');
      const list = build.get(k);
      if (list) list.push(i);
      else build.set(k, [i]);
    }
    const next: number[][] = [];
    for (const t of tuples) {
      const key = pairs.map(([[alias, col]]) => value(alias, col, t));
      if (key.some((k) => k === null || k === undefined)) continue;
      for (const i of build.get(key.map(canonical).join('\u0001')) ?? []) next.push([...t, i]);
    }
    aliases.push(j.as);
    tuples = next;
  }
  const keys = (q.group_by ?? []).map(groupKey).map((g) => ({ ...g, at: split(g.col) }));
  const aggs = q.aggregates.map((a) => ({ ...a, at: a.col ? split(a.col) : null }));
  const groups = new Map<string, { key: string[]; state: unknown[] }>();
  for (const t of tuples) {
    const key = keys.map((g) => {
      const v = value(g.at[0], g.at[1], t);
      const s = canonical(v);
      return g.prefix && v !== null && v !== undefined ? s.slice(0, g.prefix) : s;
    });
    const k = key.join('\u0001');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { key, state: aggs.map((a) => (a.fn === 'count_distinct' ? new Set() : null)) }));
    aggs.forEach((a, i) => {
      const v = a.at ? value(a.at[0], a.at[1], t) : 1;
      if (v === null || v === undefined) return;
      const s = g!.state;
      if (a.fn === 'count') s[i] = ((s[i] as number) ?? 0) + 1;
      else if (a.fn === 'count_distinct') (s[i] as Set<string>).add(canonical(v));
      else if (a.fn === 'sum') s[i] = ((s[i] as number) ?? 0) + Number(v);
      else if (s[i] === null || (a.fn === 'min' ? order(v, s[i]) < 0 : order(v, s[i]) > 0)) s[i] = v;
    });
  }
  // An aggregate without groups answers one row even over no rows, as SQL does.
  if (groups.size === 0 && keys.length === 0)
    groups.set('', { key: [], state: aggs.map((a) => (a.fn === 'count_distinct' ? new Set() : null)) });
  const out = [...groups.values()].map((g) => [
    ...g.key,
    ...aggs.map((a, i) => {
      const s = g.state[i];
      if (a.fn === 'count') return String(s ?? 0);
      if (a.fn === 'count_distinct') return String((s as Set<string>).size);
      return canonicalAggregate(a.fn, s);
    }),
  ]);
  return { columns: outputColumns(q), rows: sortRows(out) };
}

function order(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = canonical(a);
  const y = canonical(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The first difference between an answer and the expected one, or null when they agree. */
export function difference(got: Answer, want: Answer): string | null {
  if (got.rows.length !== want.rows.length) return `${got.rows.length} rows instead of ${want.rows.length}`;
  for (let i = 0; i < want.rows.length; i++) {
    const j = want.rows[i].findIndex((v, c) => got.rows[i][c] !== v);
    if (j >= 0) return `row ${i + 1}, ${want.columns[j]}: ${got.rows[i][j]} instead of ${want.rows[i][j]}`;
  }
  return null;
}

/** What `sndsbench research` hands the scenario (RESEARCH_PLAN): each query with its year, the files it
 * reads (paths under a project's prefix, sizes, the columns each alias needs) and DuckDB's answer. */
export interface ResearchPlan {
  queries: {
    query: Query;
    year: number;
    files: { alias: string; path: string; size: number; columns: string[] }[];
    expected: Answer;
  }[];
  /** One prefix per project; researcher i reads project i modulo their number. */
  projects: string[];
}
