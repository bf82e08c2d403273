import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delimiter, dirname, join } from 'node:path';

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

/** Where an external tool is: built by `npm run setup` (.tools/bin), installed by npm (node_modules/.bin),
 * else on PATH or in the system folders Debian puts daemons in; null when nowhere. */
export function findTool(name: string): string | null {
  const folders = [
    projectPath('.tools', 'bin'),
    projectPath('node_modules', '.bin'),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    '/usr/sbin',
    '/usr/bin',
  ];
  return folders.map((f) => join(f, name)).find((p) => existsSync(p)) ?? null;
}

/** The tool's path, or its bare name for the shell to report (rclone is optional until used). */
export function tool(name: string): string {
  return findTool(name) ?? name;
}
