import { createHash } from 'node:crypto';
import { createReadStream, renameSync, writeFileSync } from 'node:fs';

/** Writes a whole file under a temporary name, then renames it: a reader never sees half of it. */
export function writeAtomic(path: string, content: string): void {
  const tmp = path + '.tmp';
  writeFileSync(tmp, content);
  renameSync(tmp, path);
}

export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256');
    createReadStream(path)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
      .on('error', reject);
  });
}
