// The files a dataset folder holds beside its Parquet files, written by `generate` and `seed` and read by
// `manifest merge`, `plan --calibrate`, `validate`, `migrate` and `cutover` (often in other processes).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

export interface ManifestFile {
  path: string;
  table: string;
  year: number | null;
  rows: number;
  bytes: number;
  sha256: string;
}

/** _manifest.json (or _manifest-i-of-N.json for one shard). */
export interface Manifest {
  generator: 'sndsbench';
  version: string;
  epoch: number;
  synthetic: true;
  parameters: Record<string, unknown>;
  files: ManifestFile[];
  rows: Record<string, number>;
  /** Seconds one process spent generating (summed over shards when merged): the plan's speed. */
  generation_seconds?: number;
}

/** The records a dataset folder keeps beside its tables: manifests, run parameters, seed and migration records. */
export function isDatasetRecord(name: string): boolean {
  return /^_(manifest|run|seed|migrated)[-.\w]*\.json$/.test(name);
}

export function manifestName(shard: { index: number; count: number }): string {
  return shard.count === 1 ? '_manifest.json' : `_manifest-${shard.index}-of-${shard.count}.json`;
}

/** The manifests describing a dataset folder: the merged one when there is one, else each shard's. */
export function datasetManifests(dir: string): string[] {
  const names = readdirSync(dir).filter((f) => /^_manifest(-\d+-of-\d+)?\.json$/.test(f));
  return names.includes('_manifest.json') ? ['_manifest.json'] : names.sort();
}

/** _seed-HOST.json: what `seed` put on a host, its prefix and every object's size and SHA-256. */
export interface SeedRecord {
  host: string;
  endpoint: string;
  bucket: string;
  prefix: string;
  objects: { key: string; bytes: number; sha256: string; etag?: string; skipped?: boolean }[];
}

export function seedRecordName(host: string): string {
  return `_seed-${host}.json`;
}

export function seedRecord(dir: string, host: string): SeedRecord {
  const path = join(dir, seedRecordName(host));
  if (!existsSync(path))
    throw new UsageError(`${dir} was not seeded on ${host}: run "sndsbench seed ${dir} --host ${host}" first`);
  return JSON.parse(readFileSync(path, 'utf8')) as SeedRecord;
}
