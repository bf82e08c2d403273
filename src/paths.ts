import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, basename } from 'node:path';

// Compiled files live in dist/src, sources in src: either way the project root is found by name.
const here = dirname(fileURLToPath(import.meta.url));
const root = basename(dirname(here)) === 'dist' ? dirname(dirname(here)) : dirname(here);

/** A path inside the project (schemas/, generators/calibration/...). */
export function projectPath(...parts: string[]): string {
  return join(root, ...parts);
}

/** A tool built by `npm run setup` (.tools/bin), else the one of that name on PATH. */
export function tool(name: string): string {
  const built = projectPath('.tools', 'bin', name);
  return existsSync(built) ? built : name;
}
