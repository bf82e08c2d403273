// Migration (`sndsbench migrate`, scenarios/migration.ts): the seeded dataset copied from the old host to
// the candidate and verified, the full volume extrapolated against the window.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { parseVolume, parseWindow } from '../../util/units.js';
import { putRequests } from '../../hosts/parts.js';
import { migrate } from '../migrate.js';
import { onlyKeys, positive, type RehearsalWorkload } from './workload.js';

export interface MigrationSettings {
  /** The time the full migration must fit in, e.g. 18h; required. */
  window: string;
  /** The full volume (e.g. 1.2PB), or `plan`, the JSON of `sndsbench plan`; default: the dataset. */
  volume?: string;
  plan?: string;
  streams: number;
  partSize: number;
  retries: number;
}

export const migration: RehearsalWorkload<MigrationSettings> = {
  kind: 'rehearsal',
  name: 'migration',
  describe: 'the dataset copied to the candidate and verified, extrapolated to the full volume and window',
  needsFront: false,
  profiles: {
    ci: { window: '', streams: 4, partSize: 16 * 1024 ** 2, retries: 4 },
    // The rehearsal's size is the dataset's: both profiles copy it alike.
    full: { window: '', streams: 4, partSize: 16 * 1024 ** 2, retries: 4 },
  },
  settings(base, g, where) {
    onlyKeys(where, g, ['window', 'volume', 'plan', 'streams', 'part_size', 'retries']);
    const window = g.window === undefined ? base.window : String(g.window);
    if (!window) throw new UsageError(`${where} needs a window (for example 18h)`);
    parseWindow(window);
    if (g.volume !== undefined && g.plan !== undefined) throw new UsageError(`${where}: give volume or plan, not both`);
    if (g.volume !== undefined) parseVolume(String(g.volume));
    if (g.plan !== undefined && !existsSync(resolve(String(g.plan))))
      throw new UsageError(`${where}: no plan file ${g.plan}`);
    return {
      window,
      volume: g.volume === undefined ? base.volume : String(g.volume),
      plan: g.plan === undefined ? base.plan : resolve(String(g.plan)),
      streams: positive(where, 'streams', g.streams, base.streams),
      partSize: positive(where, 'part_size', g.part_size, base.partSize),
      retries: positive(where, 'retries', g.retries, base.retries),
    };
  },
  estimate(s, c) {
    // The rehearsal copies the dataset once; the window and volume are extrapolated, not sent.
    const d = c.dataset;
    const mean = d.bytes / Math.max(1, d.files);
    const put = d.files * putRequests(c.host, mean, s.partSize);
    return { seconds: (d.files * c.requestSeconds(mean)) / s.streams, put, get: d.files, written: d.bytes, read: 0 };
  },
  async execute(s, c) {
    const r = await migrate({
      from: c.source,
      to: c.host,
      dataset: c.dataset,
      window: s.window,
      volume: s.volume,
      plan: s.plan,
      streams: s.streams,
      prefixes: 1,
      partSize: s.partSize,
      retries: s.retries,
      delta: false,
      results: c.results,
    });
    return { exit: r.exitCode, owned: [[c.host, `${c.datasetPrefix}/`]] };
  },
};
