// Consistency (`sndsbench consistency`, scenarios/consistency.ts): what one host promises a client that
// reads its own writes, and rounds of concurrent conditional writes. A rehearsal of the candidate
// alone: no old host, no dataset.
import { consistency as runConsistency } from '../consistency.js';
import { DEFAULT_MIX, parseMix, type Mix } from '../consistency-mix.js';
import { UsageError } from '../../util/errors.js';
import { onlyKeys, positive, type RehearsalWorkload } from './workload.js';

export interface ConsistencySettings {
  /** Seconds of load, by `vus` clients; `writers` per conditional round (0: none). */
  duration: number;
  vus: number;
  writers: number;
  mix: Mix;
  /** Bytes of each object. */
  size: number;
}

/** Requests of each action of the mix: its write, then the reads that check it (scenarios/consistency.ts). */
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

export const consistency: RehearsalWorkload<ConsistencySettings> = {
  kind: 'rehearsal',
  name: 'consistency',
  describe: 'reads and listings after creates, overwrites and deletes, and concurrent conditional writes',
  needsFront: false,
  standalone: true,
  profiles: {
    ci: { duration: 20, vus: 8, writers: 8, mix: DEFAULT_MIX, size: 1024 },
    full: { duration: 600, vus: 16, writers: 16, mix: DEFAULT_MIX, size: 1024 },
  },
  settings(base, g, where) {
    onlyKeys(where, g, ['duration', 'vus', 'writers', 'mix', 'size']);
    const writers = g.writers === undefined ? base.writers : Number(g.writers);
    if (!Number.isInteger(writers) || writers < 0 || writers > 64)
      throw new UsageError(`${where}.writers must be a whole number from 0 to 64, got ${JSON.stringify(g.writers)}`);
    let mix = base.mix;
    if (g.mix !== undefined)
      try {
        mix = parseMix(String(g.mix));
      } catch (e) {
        throw new UsageError(`${where}.mix: ${(e as Error).message.replace(/^--mix /, '')}`);
      }
    return {
      duration: positive(where, 'duration', g.duration, base.duration),
      vus: Math.round(positive(where, 'vus', g.vus, base.vus)),
      writers,
      mix,
      size: Math.round(positive(where, 'size', g.size, base.size)),
    };
  },
  estimate(s, c) {
    const sum = Object.values(s.mix).reduce((a, b) => a + b, 0);
    let [put, get] = [0, 0];
    for (const [a, [u, g]] of Object.entries(ACTION_REQUESTS)) {
      put += (s.mix[a as keyof Mix] / sum) * u;
      get += (s.mix[a as keyof Mix] / sum) * g;
    }
    const request = c.requestSeconds(s.size);
    const iterations = (s.vus * s.duration) / ((put + get) * request);
    // A round: the writers' PUTs at once, a HEAD, the writers again, a DELETE, then the pause.
    const rounds = s.writers ? s.duration / (4 * request + ROUND_PAUSE_S) : 0;
    return {
      seconds: s.duration,
      put: iterations * put + rounds * (2 * s.writers + 1),
      get: iterations * get + rounds,
      written: (iterations * put + rounds * 2 * s.writers) * s.size,
      read: iterations * get * s.size,
    };
  },
  async execute(s, c) {
    const r = await runConsistency({ host: c.host, ...s, results: c.results, keepObjects: false });
    return { exit: r.exitCode, owned: [[c.host, r.result.prefix]] };
  },
};
