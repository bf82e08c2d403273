// Read (scenarios/read.ts): a Parquet reader's access pattern on a real generated file's layout (HEAD,
// tail, footer, column chunks, now and then a full GET), or whole-object GETs with PATTERN=full.
import { resolve, join } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { parseSeconds } from '../../util/units.js';
import type { Layout } from '../../contracts/k6.js';
import { parquetLayout } from '../layout.js';
import { scenarioSettings, type ScenarioWorkload, type SettingKind } from './workload.js';

const KINDS = {
  PATTERN: ['parquet', 'full'],
  VUS: 'count',
  DURATION: 'duration',
  OBJECTS: 'count',
  FULL_EVERY: 'count',
  OBJECT_SIZE: 'bytes',
  PARQUET: 'text',
  LAYOUT: 'json',
  PREFIX: 'text',
  THRESHOLDS: 'json',
} satisfies Record<string, SettingKind>;

export type ReadSettings = Partial<Record<keyof typeof KINDS, string>>;

const FULL_SIZE = 4 * 1024 ** 2;

export const read: ScenarioWorkload<ReadSettings> = {
  kind: 'scenario',
  name: 'read',
  describe: "a Parquet reader's range GETs on a real file's layout, or whole-object GETs (PATTERN=full)",
  profiles: {
    ci: { VUS: '4', DURATION: '10s', OBJECTS: '8' },
    full: { VUS: '16', DURATION: '2m', OBJECTS: '64' },
  },
  settings: (base, given, where) => scenarioSettings('read', KINDS, base, given, where),
  estimate(s, c) {
    const seconds = parseSeconds('DURATION', s.DURATION ?? '20s');
    const size = Number(s.OBJECT_SIZE ?? FULL_SIZE);
    const objects = Number(s.OBJECTS ?? 8);
    // HEAD, the tail, the footer, about two column chunks; a full GET every FULL_EVERY iterations.
    const full = 1 / Number(s.FULL_EVERY ?? 10);
    const perIteration = 4 + full;
    const bytesPerIteration = 256 * 1024 + full * size;
    const iterations =
      (Number(s.VUS ?? 4) * seconds) / (perIteration * c.requestSeconds(bytesPerIteration / perIteration));
    return {
      seconds,
      put: objects,
      get: iterations * perIteration,
      written: objects * size,
      read: iterations * bytesPerIteration,
    };
  },
  async prepare(s, p) {
    if (s.PATTERN === 'full') return s;
    // Read patterns follow a real generated file's layout.
    if (!s.PARQUET && !p.sample) throw new UsageError('the read scenario needs a Parquet file: --set PARQUET=FILE');
    const parquet = resolve(s.PARQUET ?? (await p.sample!(join(resolve(p.results), '_sample'))));
    return { ...s, PARQUET: parquet, LAYOUT: s.LAYOUT ?? JSON.stringify(await parquetLayout(parquet)) };
  },
  objectSizes: (s) => [s.LAYOUT ? (JSON.parse(s.LAYOUT) as Layout).size : Number(s.OBJECT_SIZE ?? FULL_SIZE)],
};
