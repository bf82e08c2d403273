// `generate --out s3://bucket/prefix --host P`: the dataset is generated into a temporary folder,
// seeded to the bucket, and the folder removed, so that it never stays on local disk.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GenerateOptions } from './generate.js';
import { seed } from './seed.js';
import { type HostProfile } from '../hosts/profile.js';
import { type Manifest } from '../contracts/dataset.js';

/** s3://bucket/prefix on a host. */
export interface BucketTarget {
  profile: HostProfile;
  bucket: string;
  /** The key prefix as written after the bucket; empty or "/" means the default, snds. */
  prefix: string;
}

/** Generates with `generateAll` (one process, or workers) and seeds the result to `target`. */
export async function generateToBucket(
  o: Omit<GenerateOptions, 'out'>,
  target: BucketTarget,
  generateAll: (o: GenerateOptions) => Promise<Manifest>,
): Promise<Manifest> {
  const dir = mkdtempSync(join(tmpdir(), 'sndsbench-s3-'));
  try {
    const manifest = await generateAll({ ...o, out: dir });
    await seed({
      dir,
      profile: { ...target.profile, bucket: target.bucket },
      prefix: target.prefix.replace(/\/$/, '') || 'snds',
      concurrency: 4,
      partSize: 16 * 1024 * 1024,
      progress: false,
    });
    return manifest;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
