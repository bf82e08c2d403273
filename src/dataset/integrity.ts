// A dataset's files against its manifests, before anything reads them: every listed file present, of its
// recorded size and SHA-256, and no file the manifests do not list. A damaged page that no query reads
// would otherwise pass, and a truncated file would stop DuckDB with a line that names no file.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { isDatasetRecord, type Manifest, type ManifestFile } from '../contracts/dataset.js';
import { sha256File } from '../util/files.js';

/** The files the manifests list, and one line per file that does not match them (none when all do). */
export async function checkIntegrity(
  dir: string,
  manifestNames: string[],
): Promise<{ files: number; problems: string[] }> {
  const listed = new Map<string, ManifestFile>();
  for (const name of manifestNames) {
    const m = JSON.parse(readFileSync(join(dir, name), 'utf8')) as Manifest;
    for (const f of m.files) listed.set(f.path.split('/').join(sep), f);
  }
  const record = (f: string) => !f.includes(sep) && isDatasetRecord(f);
  const onDisk = new Set(
    readdirSync(dir, { recursive: true })
      .map(String)
      .filter((f) => statSync(join(dir, f)).isFile() && !record(f)),
  );
  const problems: string[] = [];
  for (const f of [...onDisk].filter((f) => !listed.has(f)).sort()) problems.push(`${f} is not in the manifest`);
  for (const [path, f] of [...listed].sort(([a], [b]) => a.localeCompare(b))) {
    const size = existsSync(join(dir, path)) ? statSync(join(dir, path)).size : null; // a merge may list ../shard/...
    if (size === null) problems.push(`${path} is missing`);
    else if (size < f.bytes) problems.push(`${path} is truncated: ${size} of its ${f.bytes} bytes`);
    else if (size > f.bytes) problems.push(`${path} has ${size} bytes, its manifest says ${f.bytes}`);
    else if ((await sha256File(join(dir, path))) !== f.sha256) problems.push(`${path} is damaged: its SHA-256 differs`);
  }
  return { files: listed.size, problems };
}
