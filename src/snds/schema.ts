// The project's table schemas (schemas/*.json): columns, Parquet types, keys, nomenclature links.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../util/paths.js';

export interface Column {
  name: string;
  /** DuckDB/Parquet logical type: VARCHAR, INTEGER, BIGINT, DECIMAL(p,s), DATE, BOOLEAN, TIMESTAMP, DOUBLE. */
  type: string;
  length: number | null;
  nullable: boolean;
  nomenclature: string | null;
  /** SQL for a column the model does not draw, written the way the real data fills it; NULL when absent. */
  fill?: string;
}

export interface TableSchema {
  table: string;
  reference: string;
  family: 'beneficiaries' | 'dcir' | 'pmsi' | 'cepidc' | 'referential' | 'nomenclature';
  partitioned_by_year: boolean;
  description: string;
  primaryKey: string[];
  columns: Column[];
}

export const SCHEMA_DIR = projectPath('schemas');

let cache: Map<string, TableSchema> | undefined;

/** Every schema, by table name. */
export function schemas(): Map<string, TableSchema> {
  if (!cache) {
    cache = new Map();
    for (const f of readdirSync(SCHEMA_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const s = JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8')) as TableSchema;
      cache.set(s.table, s);
    }
  }
  return cache;
}

export function schema(table: string): TableSchema {
  const s = schemas().get(table);
  if (!s) throw new Error(`no schema for table ${table}`);
  return s;
}
