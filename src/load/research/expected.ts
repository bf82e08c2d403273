// The expected answers: each research query run by DuckDB on the local copy of the dataset.
import { DuckDBInstance } from '@duckdb/node-api';
import {
  canonicalAggregate,
  groupKey,
  outputColumns,
  sortRows,
  type Answer,
} from '../../../scenarios/lib/research/query.js';
import type { ResolvedQuery } from './queries.js';
import { toSql } from './sql.js';

export async function expectedAnswers(queries: ResolvedQuery[], root: string): Promise<Map<string, Answer>> {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  const out = new Map<string, Answer>();
  try {
    for (const r of queries) {
      const q = r.query;
      const keys = (q.group_by ?? []).map(groupKey).length;
      const reader = await c.runAndReadAll(toSql(r, root));
      const rows = reader
        .getRowsJson()
        .map((row) =>
          row.map((v, i) =>
            i < keys ? (v === null ? 'null' : String(v)) : canonicalAggregate(q.aggregates[i - keys].fn, v),
          ),
        );
      out.set(q.id, { columns: outputColumns(q), rows: sortRows(rows) });
    }
  } finally {
    c.closeSync();
    db.closeSync();
  }
  return out;
}
