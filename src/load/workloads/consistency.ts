// Consistency (`sndsbench consistency`, scenarios/consistency.ts): what one host promises a client that
// reads its own writes, and rounds of concurrent conditional writes. A rehearsal of the candidate
// alone: no old host, no dataset.
import { consistency as runConsistency } from '../consistency.js';
import { DEFAULT_MIX, type Mix } from '../consistency-mix.js';
import { mixCost, mixOf, writersOf } from './mix.js';
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
    return {
      duration: positive(where, 'duration', g.duration, base.duration),
      vus: Math.round(positive(where, 'vus', g.vus, base.vus)),
      writers: writersOf(where, 'writers', g.writers, base.writers),
      mix: mixOf(where, 'mix', g.mix, base.mix),
      size: Math.round(positive(where, 'size', g.size, base.size)),
    };
  },
  estimate(s, c) {
    return { seconds: s.duration, ...mixCost(s, s.duration, c.requestSeconds(s.size)) };
  },
  async execute(s, c) {
    const r = await runConsistency({ host: c.host, ...s, results: c.results, keepObjects: false });
    return { exit: r.exitCode, owned: [[c.host, r.result.prefix]] };
  },
};
