// Researchers (`sndsbench research`, scenarios/research.ts): N researchers, each on its own copy of a project
// extraction on the candidate, querying it through a Parquet reader; answers checked against DuckDB. The
// extraction is generated apart (small: the reader decodes in k6's JavaScript) or is the campaign's dataset.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { research } from '../research/run.js';
import { onlyKeys, positive, type RehearsalWorkload } from './workload.js';

export interface ResearchSettings {
  researchers: number;
  /** Seconds of load; with `ramp`, researchers join one every `ramp` seconds instead. */
  duration: number;
  ramp: number;
  think: number;
  burst: number;
  queries?: string;
  extraction: { beneficiaries: number; firstYear: number; lastYear: number; seed: number } | null;
}

function extractionOf(where: string, e: unknown): ResearchSettings['extraction'] {
  if (e === undefined) return null;
  if (typeof e !== 'object' || e === null) throw new UsageError(`${where}.extraction must be a mapping`);
  const x = e as Record<string, unknown>;
  onlyKeys(`${where}.extraction`, x, ['beneficiaries', 'years', 'seed']);
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(String(x.years));
  if (!m) throw new UsageError(`${where}.extraction.years must be YYYY or YYYY-YYYY, got "${x.years}"`);
  const seed = x.seed === undefined ? 42 : Number(x.seed);
  if (!Number.isInteger(seed)) throw new UsageError(`${where}.extraction.seed must be an integer`);
  return {
    beneficiaries: Math.round(positive(where, 'extraction.beneficiaries', x.beneficiaries, 0)),
    firstYear: Number(m[1]),
    lastYear: Number(m[2] ?? m[1]),
    seed,
  };
}

const seconds = (where: string, key: string, v: unknown, dflt: number) => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(n >= 0)) throw new UsageError(`${where}.${key} must be seconds (0 or more), got ${JSON.stringify(v)}`);
  return n;
};

export const researchWorkload: RehearsalWorkload<ResearchSettings> = {
  kind: 'rehearsal',
  name: 'research',
  describe: 'researchers querying their project extraction through a Parquet reader, answers checked',
  needsFront: false,
  profiles: {
    ci: { researchers: 3, duration: 20, ramp: 0, think: 1, burst: 3, extraction: null },
    full: { researchers: 8, duration: 120, ramp: 15, think: 5, burst: 3, extraction: null },
  },
  settings(base, g, where) {
    onlyKeys(where, g, ['researchers', 'duration', 'ramp', 'think', 'burst', 'queries', 'extraction']);
    const researchers = positive(where, 'researchers', g.researchers, base.researchers);
    if (!Number.isInteger(researchers)) throw new UsageError(`${where}.researchers must be a whole number`);
    if (g.queries !== undefined && !existsSync(resolve(String(g.queries))))
      throw new UsageError(`${where}: no query file ${g.queries}`);
    return {
      researchers,
      duration: positive(where, 'duration', g.duration, base.duration),
      ramp: seconds(where, 'ramp', g.ramp, base.ramp),
      think: seconds(where, 'think', g.think, base.think),
      burst: Math.round(positive(where, 'burst', g.burst, base.burst)),
      ...(g.queries !== undefined ? { queries: resolve(String(g.queries)) } : {}),
      extraction: g.extraction === undefined ? base.extraction : extractionOf(where, g.extraction),
    };
  },
  estimate(s, c) {
    // A check pass over every query, then bursts of `burst` queries (about 5 GETs in 2 rounds each on a
    // small extraction) with `think` seconds between; the extraction copied once per researcher.
    const load = s.duration + s.ramp * s.researchers;
    const perQuery = { gets: 5, rounds: 2, bytes: 150_000 };
    const burstSeconds = s.burst * perQuery.rounds * c.requestSeconds(perQuery.bytes / perQuery.gets) + s.think;
    const queries = ((s.researchers * s.burst) / burstSeconds) * load + 10;
    return {
      seconds: load + 30,
      put: s.researchers * 30,
      get: queries * perQuery.gets,
      written: 0,
      read: queries * perQuery.bytes,
    };
  },
  async execute(s, c) {
    if (s.extraction && (!c.prepare || !c.seed))
      throw new Error('research needs the dataset wing to make its extraction');
    const data = s.extraction ? await c.prepare!(s.extraction, join(c.results, '..', '..', 'extraction')) : c.dataset;
    // The extraction on the candidate, under a prefix of the campaign's own (seeding skips what is there).
    const prefix = `${c.datasetPrefix}-research`;
    await c.seed!(data, c.host, prefix);
    const r = await research({
      host: c.host,
      dataset: data,
      researchers: s.researchers,
      queries: s.queries,
      ramp: s.ramp,
      duration: s.duration,
      think: s.think,
      burst: s.burst,
      projects: true,
      reader: {},
      check: 'setup',
      results: c.results,
    });
    return { exit: r.exitCode, owned: [[c.host, `${prefix}/`]] };
  },
};
