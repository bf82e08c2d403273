// A real generated Parquet file for the read scenario, whose byte layout its reads follow.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from './generate.js';

/** A real ER_PRS_F file: generated into `dir` (5,000 beneficiaries, one year) unless one is there. */
export async function sampleParquet(dir: string): Promise<string> {
  const table = join(dir, 'ER_PRS_F');
  if (!existsSync(table)) {
    await generate({
      beneficiaries: 5000,
      firstYear: 2024,
      lastYear: 2024,
      seed: 42,
      out: dir,
      shard: { index: 0, count: 1 },
      tables: ['ER_PRS_F'],
      overwrite: true,
      resume: false,
      fileRows: 1 << 20,
      progress: false,
    });
  }
  const files = readdirSync(table, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.parquet'))
    .sort();
  return join(table, files[0]);
}
