// The column lists the emitters write (GENERATED, REFERENTIAL_COLUMNS) against the tables' schemas, and
// the row types those lists give. `npm run typecheck` compiles this file (test/tsconfig.json): each
// mistake marked below with a ts-expect-error comment fails the typecheck the day it compiles again.
import { describe, expect, it } from 'vitest';
import { Batch, type Physical, type TableBatch } from '../../src/snds/columns.js';
import { GENERATED } from '../../src/snds/tables.js';
import { REFERENTIAL_COLUMNS } from '../../src/snds/referentials.js';
import { schema } from '../../src/snds/schema.js';

/** Schema types a drawn column is cast to without loss (StagedTable's SELECT list casts to them). */
const COMPATIBLE: Record<Physical, RegExp> = {
  str: /^VARCHAR$/,
  int: /^(TINYINT|SMALLINT|INTEGER|BIGINT)$/,
  // Amounts as DECIMAL; 13-digit codes (CIP13) as BIGINT, which a double holds exactly.
  double: /^(DOUBLE|BIGINT|DECIMAL\(\d+,\d+\))$/,
  date: /^DATE$/,
  bool: /^BOOLEAN$/,
};

describe('column lists', () => {
  for (const [table, spec] of Object.entries({ ...GENERATED, ...REFERENTIAL_COLUMNS })) {
    it(`${table}: each drawn column is in the schema, once, with a compatible type`, () => {
      const types = new Map(schema(table).columns.map((c) => [c.name, c.type]));
      const wrong = spec
        .filter(([name, physical]) => !COMPATIBLE[physical].test(types.get(name) ?? 'absent'))
        .map(([name, physical]) => `${name}: ${physical} -> ${types.get(name) ?? 'absent'}`);
      expect(wrong).toEqual([]);
      const names = spec.map(([name]) => name);
      expect(new Set(names).size).toBe(names.length);
    });
  }
});

describe('row types', () => {
  it('a row names every column of its table once, spelt and typed as its list says', () => {
    const batch = new Batch(GENERATED.T_MCOaaD);
    const diagnoses: TableBatch<typeof GENERATED.T_MCOaaD> = batch;
    const keys = { ETA_NUM: '010000024', RSA_NUM: '0000000001' };
    diagnoses.put(keys, { ASS_DGN: 'E119', DGN_ASS_NUM: 1 });
    // @ts-expect-error a misspelt column
    diagnoses.put(keys, { ASS_DNG: 'E119', DGN_ASS_NUM: 2 });
    // @ts-expect-error a missing column
    diagnoses.put(keys, { DGN_ASS_NUM: 3 });
    // @ts-expect-error a number in a string column
    diagnoses.put(keys, { ASS_DGN: 119, DGN_ASS_NUM: 4 });
    // @ts-expect-error a shared key that is not a column of the table
    diagnoses.put({ ...keys, ETA_NUMBER: '010000024' }, { ASS_DGN: 'E119', DGN_ASS_NUM: 5 });

    // What the types prevent: untyped, the misspelt column's value is dropped and the column is NULL.
    expect(batch.rows).toBe(5);
    expect(batch.col('ASS_DGN').validity(0)?.slice(0, 2)).toEqual(new Uint8Array([1, 0]));
  });
});
