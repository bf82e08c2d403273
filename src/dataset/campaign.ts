// The dataset's part in a campaign (`sndsbench campaign`, the demo): its size for the plan (measured
// when it exists, predicted from the model otherwise), generating it once, seeding it on the old host,
// and the Parquet file the read scenario follows. Handed to the load wing's campaign runner.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { datasetManifests, type Manifest } from '../contracts/dataset.js';
import { loadProfile } from '../hosts/profile.js';
import { ALL_TABLES } from '../snds/catalog.js';
import { generate } from './generate.js';
import { plan } from './plan.js';
import { sampleParquet } from './sample.js';
import { seed } from './seed.js';
import { loadCalibration } from './sizes.js';

export interface GenerateSpec {
  beneficiaries: number;
  firstYear: number;
  lastYear: number;
  seed: number;
}

const FILE_ROWS = 1 << 20;
const generated = (dir: string) => existsSync(dir) && datasetManifests(dir).length > 0;

export const campaignDataset = {
  size(g: GenerateSpec | null, dir: string): { files: number; bytes: number } {
    if (generated(dir)) {
      const files = datasetManifests(dir).flatMap(
        (m) => (JSON.parse(readFileSync(join(dir, m), 'utf8')) as Manifest).files,
      );
      return { files: files.length, bytes: files.reduce((s, f) => s + f.bytes, 0) };
    }
    if (!g) return { files: 0, bytes: 0 };
    const p = plan({ ...g, workers: 1, shards: 1, fileRows: FILE_ROWS, tables: ALL_TABLES }, loadCalibration());
    return { files: p.total.files, bytes: p.total.bytes };
  },

  async prepare(g: GenerateSpec, dir: string): Promise<string> {
    if (generated(dir)) return dir;
    await generate({
      ...g,
      out: dir,
      shard: { index: 0, count: 1 },
      tables: ALL_TABLES,
      overwrite: true,
      resume: false,
      fileRows: FILE_ROWS,
      progress: false,
    });
    return dir;
  },

  async seed(dir: string, host: string, prefix: string): Promise<void> {
    await seed({ dir, profile: loadProfile(host), prefix, concurrency: 4, partSize: 16 * 1024 ** 2, progress: false });
  },

  sample: sampleParquet,
};
