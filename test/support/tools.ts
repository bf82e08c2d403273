// What the end-to-end tier needs on the machine. A file whose tools are missing is skipped with one
// line naming them; under CI, where `npm run setup` has built them, a missing tool fails the file.
import { basename } from 'node:path';
import { findTool } from '../../src/util/paths.js';

/** The lab's servers (`npm run setup` builds or installs them); the load runs on the project's own engine. */
export const LAB = ['versitygw', 'toxiproxy-server', 'haproxy', 'openssl', 'azurite-blob'];

/** True when `file` must be skipped for want of a tool. */
export function lacking(file: string, tools: string[]): boolean {
  const missing = tools.filter((t) => !findTool(t));
  if (missing.length === 0) return false;
  const what = `${basename(file)}: ${missing.join(', ')} not installed (run "npm run setup")`;
  if (process.env.CI) throw new Error(`cannot run ${what}`);
  console.warn(`skipped ${what}`);
  return true;
}
