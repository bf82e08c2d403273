import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

// Sources live in src/, compiled files in dist/src/: the project root is the nearest folder above
// this file that holds package.json.
function findRoot(dir: string): string {
  return existsSync(join(dir, 'package.json')) || dirname(dir) === dir ? dir : findRoot(dirname(dir));
}
const root = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project (schemas/, calibration/...). */
export function projectPath(...parts: string[]): string {
  return join(root, ...parts);
}

/** A tool built by `npm run setup` (.tools/bin), else the one of that name on PATH. */
export function tool(name: string): string {
  const built = projectPath('.tools', 'bin', name);
  return existsSync(built) ? built : name;
}
