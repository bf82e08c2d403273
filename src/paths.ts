import { fileURLToPath } from 'node:url';
import { dirname, join, basename } from 'node:path';

// Compiled files live in dist/src, sources in src: either way the project root is found by name.
const here = dirname(fileURLToPath(import.meta.url));
const root = basename(dirname(here)) === 'dist' ? dirname(dirname(here)) : dirname(here);

/** A path inside the project (schemas/, generators/calibration/...). */
export function projectPath(...parts: string[]): string {
  return join(root, ...parts);
}
