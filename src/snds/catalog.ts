// The tables sndsbench writes, by family: facts drawn per beneficiary, referentials drawn once,
// nomenclatures copied from the official CSVs.
import { GENERATED } from './tables.js';
import { REFERENTIAL_COLUMNS } from './referentials.js';
import { schemas } from './schema.js';

export const FACT_TABLES = Object.keys(GENERATED);

export const REFERENTIAL_TABLES = Object.keys(REFERENTIAL_COLUMNS);

export const NOMENCLATURE_TABLES = [...schemas().values()]
  .filter((s) => s.family === 'nomenclature')
  .map((s) => s.table);

export const ALL_TABLES = [...FACT_TABLES, ...REFERENTIAL_TABLES, ...NOMENCLATURE_TABLES];
