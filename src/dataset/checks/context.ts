// What every group of validate's checks is given: the dataset's tables as DuckDB views, its years,
// and the helpers that turn a query into a check. One module per group (coherence, calendar...).
import type { DuckDBConnection } from '@duckdb/node-api';
import { projectPath } from '../../util/paths.js';

export interface Check {
  group: string;
  name: string;
  ok: boolean;
  value: string;
  expected: string;
}

export interface CheckContext {
  conn: DuckDBConnection;
  /** SNDS tables present in the dataset, each a view of the same name. */
  present: Set<string>;
  firstYear: number;
  lastYear: number;
  rows(sql: string): Promise<unknown[][]>;
  /** The first column of the first row, as a number (0 when null). */
  one(sql: string): Promise<number>;
  /** A check that `sql` counts 0 rows; skipped when one of `tables` is absent. */
  zero(group: string, name: string, sql: string, ...tables: string[]): Promise<Check | null>;
}

export type CheckGroup = (ctx: CheckContext) => Promise<Check[]>;

export const referencePath = (f: string) => projectPath('calibration', 'reference', f);

/** "Never" written as a date: the SNDS sentinel for a missing date. */
export const NO_DATE = "DATE '1600-01-01'";

/**
 * A marginal is a sampling estimate: its tolerance is the stated one plus Z standard errors of the estimate
 * at the dataset's size, so that a correct dataset fails by chance less than once in 10,000 checks. When
 * the sampling part outweighs the stated tolerance, the check says the dataset is too small to judge it.
 */
export const Z = 4;
export function sampled(check: Check, stated: string, sigma: number, statedPart: number): Check {
  if (Z * sigma <= statedPart) return check;
  return { ...check, value: `${check.value} (too few beneficiaries to judge at ${stated})` };
}

/** A share (in points) against a reference, within ±`points` plus its binomial sampling error over `n`. */
export function shareCheck(
  group: string,
  name: string,
  mine: number,
  reference: number,
  points: number,
  n: number,
): Check {
  const sigma = 100 * Math.sqrt(((reference / 100) * (1 - reference / 100)) / Math.max(1, n));
  const tolerance = points + Z * sigma;
  return sampled(
    {
      group,
      name: `${name} (±${points} points + sampling)`,
      ok: Math.abs(mine - reference) <= tolerance,
      value: `${mine.toFixed(1)}%`,
      expected: `${(reference - tolerance).toFixed(1)}–${(reference + tolerance).toFixed(1)}%`,
    },
    `±${points} points`,
    sigma,
    points,
  );
}
