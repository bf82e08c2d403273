// What the command modules share: how a command registers itself, and the parsers of option values.
// Every parser throws UsageError, which main() reports as one line with exit code 2.
import { resolve } from 'node:path';
import type { Argv } from 'yargs';
import { UsageError } from '../util/errors.js';
import { ALL_TABLES } from '../snds/catalog.js';
import { DEFAULT_MIX, parseMix, type MixOptions } from '../load/consistency-mix.js';

/** Sets the process's exit code: 0 ok, 1 a check failed. */
export type SetExitCode = (code: number) => void;

/** A command module: adds its command to the parser; commands that judge something report through `exit`. */
export type Register = (y: Argv, exit: SetExitCode) => Argv;

/** Paths are resolved against the user's working directory where they enter: k6 resolves a relative
 * path against its script's folder, and every later step must name the same file. s3:// locations
 * pass unchanged (anything starting "s3:", so that a mistyped one reaches its own error message). */
export function absolute(p: unknown): string {
  const s = String(p);
  return s.startsWith('s3:') ? s : resolve(s);
}

/** --results of the commands that write results/<run-id>/. */
export const RESULTS_OPTION = {
  type: 'string' as const,
  default: 'results',
  describe: 'folder for results/<run-id>/',
  coerce: absolute,
};

/** Progress bars only for a person at a terminal, never in CI. */
export function onTerminal(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

export function parseYears(s: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(s);
  if (!m) throw new UsageError(`--years must be YYYY or YYYY-YYYY, got "${s}"`);
  const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (a > b) throw new UsageError(`--years ${s} is inverted: the first year must not come after the last`);
  if (a < 2006 || b > 2099) throw new UsageError(`--years ${s} is outside 2006-2099 (the SNDS starts in 2006)`);
  return [a, b];
}

export function parseShard(s: string, flag = '--shard'): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new UsageError(`${flag} must be i/N (for example 0/4), got "${s}"`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index >= count) throw new UsageError(`${flag} ${s}: the index must be in 0..${count - 1}`);
  return { index, count };
}

export function positiveInteger(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${v}"`);
  }
  return n;
}

export function positiveNumber(name: string, v: unknown): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

/** --retries: retries per object, 0 (one attempt) to 100. */
export function parseRetries(v: unknown): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 100)
    throw new UsageError(`--retries must be a whole number from 0 to 100, got "${v}"`);
  return n;
}

/** --tables: a comma-separated subset of the catalog, returned in catalog order (all when not given). */
export function parseTables(v: unknown): string[] {
  if (v === undefined) return ALL_TABLES;
  const list = String(v)
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  const unknown = list.filter((t) => !ALL_TABLES.includes(t));
  if (unknown.length) throw new UsageError(`unknown table ${unknown.join(', ')}; known: ${ALL_TABLES.join(', ')}`);
  return ALL_TABLES.filter((t) => list.includes(t));
}

/** --consistency and its settings, for the commands that run the consistency mix beside their load. */
export function consistencyOptions<T>(y: Argv<T>) {
  const mix = Object.entries(DEFAULT_MIX)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return y
    .option('consistency', {
      type: 'boolean',
      default: false,
      describe: 'run the consistency mix beside the load, on the host the clients use, and judge its anomalies',
    })
    .option('consistency-vus', { type: 'string', default: '4', describe: 'clients of the consistency mix' })
    .option('consistency-writers', {
      type: 'string',
      default: '0',
      describe: 'concurrent writers in each conditional round of the mix (0: no rounds)',
    })
    .option('consistency-mix', { type: 'string', default: mix, describe: 'shares of each action of the mix' })
    .option('consistency-size', { type: 'string', default: '1024', describe: 'bytes of each object of the mix' });
}

/** The mix's settings when --consistency is given, else null; every value checked either way. */
export function mixOptionsOf(a: {
  consistency: boolean;
  'consistency-vus': string;
  'consistency-writers': string;
  'consistency-mix': string;
  'consistency-size': string;
}): MixOptions | null {
  const writers = Number(a['consistency-writers']);
  if (!Number.isInteger(writers) || writers < 0 || writers > 64)
    throw new UsageError(
      `--consistency-writers must be a whole number from 0 to 64, got "${a['consistency-writers']}"`,
    );
  const o: MixOptions = {
    vus: positiveInteger('consistency-vus', a['consistency-vus'], 1000),
    writers,
    mix: parseMix(a['consistency-mix'], 'consistency-mix'),
    size: positiveInteger('consistency-size', a['consistency-size'], 16 * 1024 ** 2),
  };
  return a.consistency ? o : null;
}
