// A research query as DuckDB SQL over the local copy of its files: the reference answer. Join keys and
// group keys compare as text (as the k6 executor compares them), sums are rounded to two decimals.
import { sqlString } from '../../util/sql.js';
import { groupKey, joinPairs, withYear, type Condition } from '../../../scenarios/lib/research/query.js';
import type { ResolvedQuery } from './queries.js';

const text = (expr: string) => `CAST(${expr} AS VARCHAR)`;
const literal = (v: string | number) => (typeof v === 'number' ? String(v) : sqlString(v));
const col = (qualified: string) => {
  const [alias, name] = qualified.split('.');
  return `"${alias}"."${name}"`;
};

function condition(alias: string, c: Condition, year: number): string {
  const v = withYear(c.value, year);
  const list = Array.isArray(v) ? v : [v];
  const c0 = `"${alias}"."${c.col}"`;
  switch (c.op) {
    case '=':
      return `${text(c0)} = ${sqlString(String(list[0]))}`;
    case '!=':
      return `${text(c0)} <> ${sqlString(String(list[0]))}`;
    case 'in':
      return `${text(c0)} IN (${list.map((x) => sqlString(String(x))).join(', ')})`;
    case 'prefix':
      return `(${list.map((x) => `starts_with(${text(c0)}, ${sqlString(String(x))})`).join(' OR ')})`;
    case 'between':
      return `${c0} BETWEEN ${literal(list[0])} AND ${literal(list[1])}`;
    case '>=':
      return `${c0} >= ${literal(list[0])}`;
    case '<':
      return `${c0} < ${literal(list[0])}`;
  }
}

/** The query as SQL; `root` is the dataset folder the files' paths are relative to. */
export function toSql(r: ResolvedQuery, root: string): string {
  const q = r.query;
  const source = (alias: string) => {
    const paths = r.files.filter((f) => f.alias === alias).map((f) => sqlString(`${root}/${f.path}`));
    return `read_parquet([${paths.join(', ')}], hive_partitioning = false)`;
  };
  const where: string[] = (q.from.where ?? []).map((c) => condition(q.from.as, c, r.year));
  let from = `${source(q.from.as)} AS "${q.from.as}"`;
  for (const j of q.join ?? []) {
    const on = joinPairs(j).map(([l, right]) => `${text(col(l))} = ${text(`"${j.as}"."${right}"`)}`);
    from += ` JOIN ${source(j.as)} AS "${j.as}" ON ${on.join(' AND ')}`;
    where.push(...(j.where ?? []).map((c) => condition(j.as, c, r.year)));
  }
  const keys = (q.group_by ?? []).map(groupKey).map((g) => {
    const t = text(col(g.col));
    return g.prefix ? `substr(${t}, 1, ${g.prefix})` : t;
  });
  const aggs = q.aggregates.map((a) => {
    const c = a.col ? col(a.col) : '*';
    if (a.fn === 'count') return a.col ? `count(${c})` : 'count(*)';
    if (a.fn === 'count_distinct') return `count(DISTINCT ${text(c)})`;
    if (a.fn === 'sum') return `CAST(round(sum(${c}), 2) AS DOUBLE)`;
    return `${a.fn}(${c})`;
  });
  const select = [...keys, ...aggs].map((e, i) => `${e} AS c${i}`).join(', ');
  return (
    `SELECT ${select} FROM ${from}` +
    (where.length ? ` WHERE ${where.join(' AND ')}` : '') +
    (keys.length ? ` GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : '')
  );
}
