// The consistency mix in a campaign: its settings as a cutover or a mirror step takes them (the CLI's
// --consistency options, written as a campaign's keys are: consistency_vus for --consistency-vus), and what
// its clients send a host, for the plan; the consistency workload's own estimate is the same arithmetic.
import { UsageError } from '../../util/errors.js';
import { DEFAULT_MIX, parseMix, type Mix, type MixOptions } from '../consistency-mix.js';
import { positive, type Cost } from './workload.js';

/** The keys a rehearsal running the mix beside its load accepts. */
export const MIX_KEYS = [
  'consistency',
  'consistency_vus',
  'consistency_writers',
  'consistency_mix',
  'consistency_size',
];

/** The CLI's defaults (src/cli/args.ts consistencyOptions): 4 clients, no conditional rounds. */
const BESIDE: MixOptions = { vus: 4, writers: 0, mix: DEFAULT_MIX, size: 1024 };

/** Conditional writers per round: 0 (none) to 64. */
export function writersOf(where: string, key: string, v: unknown, dflt: number): number {
  const writers = v === undefined ? dflt : Number(v);
  if (!Number.isInteger(writers) || writers < 0 || writers > 64 || typeof v === 'boolean')
    throw new UsageError(`${where}.${key} must be a whole number from 0 to 64, got ${JSON.stringify(v)}`);
  return writers;
}

/** Shares of the mix's actions ("create=20,overwrite=15,..."), or `dflt` when not given. */
export function mixOf(where: string, key: string, v: unknown, dflt: Mix): Mix {
  if (v === undefined) return dflt;
  try {
    return parseMix(String(v), key);
  } catch (e) {
    throw new UsageError(`${where}.${key}: ${(e as Error).message.replace(/^--\S+ /, '')}`);
  }
}

/** The mix beside a rehearsal's load: `consistency: true` turns it on; its other keys need it. */
export function mixBeside(where: string, g: Record<string, unknown>, base: MixOptions | null): MixOptions | null {
  const on = g.consistency === undefined ? base !== null : g.consistency;
  if (typeof on !== 'boolean')
    throw new UsageError(`${where}.consistency must be true or false, got ${JSON.stringify(g.consistency)}`);
  const given = MIX_KEYS.slice(1).filter((k) => g[k] !== undefined);
  if (!on) {
    if (given.length) throw new UsageError(`${where}.${given[0]} needs consistency: true`);
    return null;
  }
  const b = base ?? BESIDE;
  return {
    vus: Math.round(positive(where, 'consistency_vus', g.consistency_vus, b.vus)),
    writers: writersOf(where, 'consistency_writers', g.consistency_writers, b.writers),
    mix: mixOf(where, 'consistency_mix', g.consistency_mix, b.mix),
    size: Math.round(positive(where, 'consistency_size', g.consistency_size, b.size)),
  };
}

/** Requests of each action of the mix: its write, then the reads that check it (scenarios/lib/consistency.ts). */
const ACTION_REQUESTS: Record<keyof Mix, [number, number]> = {
  create: [1, 2],
  overwrite: [1, 1],
  delete: [1, 2],
  get: [0, 1],
  head: [0, 1],
  list: [0, 1],
};
/** The pause between two conditional rounds (the scenario's ROUND_PAUSE_MS). */
const ROUND_PAUSE_S = 0.1;

/** No mix: nothing sent. */
export const NO_MIX: Omit<Cost, 'seconds'> = { put: 0, get: 0, written: 0, read: 0 };

/** What the mix's clients send in `seconds`, each request taking `request` seconds (an upper estimate). */
export function mixCost(o: MixOptions, seconds: number, request: number): Omit<Cost, 'seconds'> {
  const sum = Object.values(o.mix).reduce((a, b) => a + b, 0);
  let [put, get] = [0, 0];
  for (const [a, [u, g]] of Object.entries(ACTION_REQUESTS)) {
    put += (o.mix[a as keyof Mix] / sum) * u;
    get += (o.mix[a as keyof Mix] / sum) * g;
  }
  const iterations = (o.vus * seconds) / ((put + get) * request);
  // A round: the writers' PUTs at once, a HEAD, the writers again, a DELETE, then the pause.
  const rounds = o.writers ? seconds / (4 * request + ROUND_PAUSE_S) : 0;
  return {
    put: iterations * put + rounds * (2 * o.writers + 1),
    get: iterations * get + rounds,
    written: (iterations * put + rounds * 2 * o.writers) * o.size,
    read: iterations * get * o.size,
  };
}
