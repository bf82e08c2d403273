// schemas/ against the project's copy of schema-snds (reference/schema-snds): every column present, and
// every difference from the type-mapping rule recorded in schemas/DEVIATIONS.md.
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemas } from '../../src/snds/schema.js';

const REFERENCE = join(__dirname, '..', '..', 'reference', 'schema-snds');

interface RefField {
  name: string;
  type: string;
  format?: string;
  length?: string;
  nomenclature?: string;
}

/** The mapping rule from Table Schema types to Parquet types (README, "Tables and types"). */
export function mapType(f: RefField): { type: string; length: number | null } {
  const ln = f.length && f.length !== '-' ? f.length : null;
  const n = ln && /^\d+$/.test(ln) ? Number(ln) : null;
  switch (f.type) {
    case 'string':
      return { type: 'VARCHAR', length: n };
    case 'integer':
      return { type: n && n > 9 ? 'BIGINT' : 'INTEGER', length: n };
    case 'number': {
      if (ln && ln.includes(',')) {
        const [p, s] = ln.split(',').map(Number);
        return { type: `DECIMAL(${p + s},${s})`, length: null };
      }
      return { type: 'DOUBLE', length: null };
    }
    case 'date':
      if (f.format === '%m') return { type: 'VARCHAR', length: 2 };
      if (f.format === '%d%m%Y') return { type: 'VARCHAR', length: 8 };
      return { type: 'DATE', length: null };
    case 'datetime':
      return { type: 'TIMESTAMP', length: null };
    case 'year':
      return { type: 'VARCHAR', length: 4 };
    case 'yearmonth':
      return { type: 'VARCHAR', length: 6 };
    case 'boolean':
      return { type: 'BOOLEAN', length: null };
  }
  throw new Error(`unknown reference type ${f.type}`);
}

const show = (t: { type: string; length: number | null }) => t.type + (t.length ? `(${t.length})` : '');

function recordedDeviations(): Set<string> {
  const md = readFileSync(join(__dirname, '..', '..', 'schemas', 'DEVIATIONS.md'), 'utf8');
  const rows = md.split('\n').filter((l) => /^\| [A-Z]/.test(l) && !l.startsWith('| table'));
  return new Set(rows.map((l) => l.split('|').map((c) => c.trim())).map((c) => `${c[1]}.${c[2]}: ${c[3]} -> ${c[4]}`));
}

describe('schemas/', () => {
  it('reference copy is present', () => expect(existsSync(REFERENCE)).toBe(true));

  for (const s of schemas().values()) {
    it(`${s.table} matches ${s.reference} up to recorded deviations`, () => {
      const ref = JSON.parse(readFileSync(join(REFERENCE, s.reference), 'utf8')) as { fields: RefField[] };
      expect(s.columns.map((c) => c.name)).toEqual(ref.fields.map((f) => f.name));
      const recorded = recordedDeviations();
      const unrecorded: string[] = [];
      ref.fields.forEach((f, i) => {
        const ours = s.columns[i];
        const expected = mapType(f);
        const mine = { type: ours.type, length: ours.length };
        if (show(expected) !== show(mine)) {
          const key = `${s.table}.${f.name}: ${show(expected)} -> ${show(mine)}`;
          if (!recorded.has(key)) unrecorded.push(key);
        }
        const nom = f.nomenclature && f.nomenclature !== '-' ? f.nomenclature : null;
        if (nom !== ours.nomenclature)
          unrecorded.push(`${s.table}.${f.name}: nomenclature ${nom} -> ${ours.nomenclature}`);
      });
      expect(unrecorded).toEqual([]);
    });
  }

  it('every recorded deviation is still a real difference', () => {
    const live = new Set<string>();
    for (const s of schemas().values()) {
      const ref = JSON.parse(readFileSync(join(REFERENCE, s.reference), 'utf8')) as { fields: RefField[] };
      ref.fields.forEach((f, i) =>
        live.add(
          `${s.table}.${f.name}: ${show(mapType(f))} -> ` +
            show({ type: s.columns[i].type, length: s.columns[i].length }),
        ),
      );
    }
    expect([...recordedDeviations()].filter((d) => !live.has(d))).toEqual([]);
  });

  it('shipped nomenclatures are exact copies of the reference', () => {
    const sums = new Map(
      readFileSync(join(REFERENCE, 'SHA256SUMS'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => [l.slice(66), l.slice(0, 64)]),
    );
    for (const s of schemas().values()) {
      if (s.family !== 'nomenclature') continue;
      const ours = readFileSync(join(__dirname, '..', '..', 'schemas', 'nomenclatures', s.table + '.csv'));
      expect(createHash('sha256').update(ours).digest('hex'), s.table).toBe(
        sums.get(s.reference.replace(/\.json$/, '.csv')),
      );
    }
  });
});
