// Mirror (`sndsbench mirror`, scenarios/mirror.ts): double hosting rehearsed, researchers' load on the old
// host while a replication keeps the candidate in step; the lag of each change and the audit judged.
import { basename } from 'node:path';
import { mirror as runMirror } from '../mirror.js';
import type { MixOptions } from '../consistency-mix.js';
import { MIX_KEYS, mixBeside, mixCost, NO_MIX } from './mix.js';
import { bothHosts, onlyKeys, positive, type RehearsalWorkload } from './workload.js';

export interface MirrorSettings {
  /** "reference" (the lab's replication) or the candidate's own command. */
  procedure: string;
  /** Seconds of load, at `rate` iterations per second. */
  duration: number;
  rate: number;
  /** Seconds: the lag p99 that still passes, and the time the candidate has to catch up after the load. */
  maxLag: number;
  catchUp: number;
  /** The consistency mix on the candidate beside the load (`consistency: true`); null: none. */
  consistency: MixOptions | null;
}

/** The bytes of each write (src/load/mirror.ts WRITE_SIZE), and the probe's listings per second. */
const WRITE_SIZE = 16 * 1024;
const PROBES_PER_S = 4;

export const mirror: RehearsalWorkload<MirrorSettings> = {
  kind: 'rehearsal',
  name: 'mirror',
  describe: "double hosting: load on the old host, the candidate kept in step, each change's lag measured",
  needsFront: false,
  profiles: {
    ci: { procedure: 'reference', duration: 20, rate: 20, maxLag: 30, catchUp: 60, consistency: null },
    full: { procedure: 'reference', duration: 600, rate: 20, maxLag: 30, catchUp: 60, consistency: null },
  },
  settings(base, g, where) {
    onlyKeys(where, g, ['procedure', 'duration', 'rate', 'max_lag', 'catch_up', ...MIX_KEYS]);
    return {
      procedure: g.procedure === undefined ? base.procedure : String(g.procedure),
      duration: positive(where, 'duration', g.duration, base.duration),
      rate: positive(where, 'rate', g.rate, base.rate),
      maxLag: positive(where, 'max_lag', g.max_lag, base.maxLag),
      catchUp: positive(where, 'catch_up', g.catch_up, base.catchUp),
      consistency: mixBeside(where, g, base.consistency),
    };
  },
  estimate(s, c) {
    // Writes at `rate`, replicated; the probe lists the run's prefix while the load runs and catches up.
    const seconds = s.duration + s.catchUp / 4;
    const writes = s.rate * s.duration;
    const d = c.dataset;
    // The mix's clients on the candidate while the load runs.
    const m = s.consistency ? mixCost(s.consistency, s.duration, c.requestSeconds(s.consistency.size)) : NO_MIX;
    return {
      seconds,
      put: writes + d.files + m.put,
      get: seconds * PROBES_PER_S + writes + m.get,
      written: writes * WRITE_SIZE + d.bytes + m.written,
      read: m.read,
    };
  },
  async execute(s, c) {
    const r = await runMirror({
      from: c.source,
      to: c.host,
      dataset: c.dataset,
      procedure: s.procedure,
      duration: s.duration,
      maxLag: s.maxLag,
      rate: s.rate,
      catchUp: s.catchUp,
      results: c.results,
      keepObjects: false,
      consistency: s.consistency,
    });
    // The mix's objects are removed after the run; should that fail, `campaign clean` finds their prefix.
    const mix: [string, string][] = s.consistency ? [[c.host, `consistency-${basename(r.dir)}/`]] : [];
    return { exit: r.exitCode, owned: [...bothHosts(c, `mirror-${basename(r.dir)}/`), ...mix] };
  },
};
