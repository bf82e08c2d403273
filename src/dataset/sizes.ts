// Generated-file sizes against rows, measured on generated datasets (calibration/plan.json, or
// `plan --calibrate DIR`): `plan` interpolates on them, `generate` predicts its time from them.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { datasetManifests, type Manifest, type ManifestFile } from '../contracts/dataset.js';
import { FACT_TABLES } from '../snds/catalog.js';

export interface PlanCalibration {
  source: string;
  rows_per_core_second: number;
  /** Per table, [rows, bytes] of the measured files, by rows: a file's size is not linear in its
   * rows (dictionaries and bloom filters grow with the distinct values), so sizes are interpolated. */
  tables: Record<string, [number, number][]>;
}

export const DEFAULT_CALIBRATION = projectPath('calibration', 'plan.json');

export function loadCalibration(path = DEFAULT_CALIBRATION): PlanCalibration {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Measures file sizes against rows, per table, and the generation speed on the largest dataset. */
export function calibrate(dirs: string[]): PlanCalibration {
  const tables: Record<string, [number, number][]> = {};
  let speed = { rows: 0, seconds: 0 };
  const sources: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) throw new UsageError(`--calibrate ${dir}: no such folder`);
    const names = datasetManifests(dir);
    if (names.length === 0)
      throw new UsageError(`--calibrate ${dir}: no _manifest.json, generate a dataset there first`);
    const manifests: Manifest[] = names.map((n) => JSON.parse(readFileSync(join(dir, n), 'utf8')));
    const files: ManifestFile[] = manifests.flatMap((m) => m.files);
    const seconds = manifests.reduce((s, m) => s + (m.generation_seconds ?? 0), 0);
    const rows = files.filter((f) => FACT_TABLES.includes(f.table)).reduce((s, f) => s + f.rows, 0);
    if (!(seconds > 0) || rows === 0)
      throw new UsageError(`--calibrate ${dir}: its manifest records no generation time or no fact rows`);
    if (rows > speed.rows) speed = { rows, seconds };
    for (const f of files) (tables[f.table] ??= []).push([f.rows, f.bytes]);
    const p = manifests[0].parameters;
    sources.push(`${p.beneficiaries} beneficiaries ${p.years}`);
  }
  for (const t of Object.values(tables)) t.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { source: `files of ${sources.join(', ')}`, rows_per_core_second: speed.rows / speed.seconds, tables };
}

/**
 * Bytes of a file of `rows` rows: linear between the measured files around it; below the smallest,
 * extended by the first segment; above the largest, at its bytes per row (a large file's fixed part is
 * negligible, and two files of about the same size need not order their bytes as their rows).
 */
export function fileBytes(points: [number, number][], rows: number): number {
  const [rl, bl] = points[points.length - 1];
  if (rows >= rl && points.length > 1) return (bl * rows) / rl;
  if (points.length === 1 || rows <= points[0][0]) {
    const [r0, b0] = points[0];
    const [r1, b1] = points[1] ?? [2 * r0, 2 * b0];
    return r1 === r0 ? b0 : Math.max(b0 * 0.5, b0 + ((rows - r0) * (b1 - b0)) / (r1 - r0));
  }
  let i = 0;
  while (i < points.length - 2 && rows > points[i + 1][0]) i++;
  const [[r0, b0], [r1, b1]] = [points[i], points[i + 1]];
  return r1 === r0 ? b0 : b0 + ((rows - r0) * (b1 - b0)) / (r1 - r0);
}
