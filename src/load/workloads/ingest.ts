// Ingest (scenarios/ingest.ts): PUTs of synthetic objects of a Parquet file's size, single or multipart,
// at a fixed concurrency or a fixed arrival rate.
import { putRequests } from '../../hosts/parts.js';
import { parseSeconds } from '../../util/units.js';
import { scenarioSettings, type ScenarioWorkload, type SettingKind } from './workload.js';

const KINDS = {
  MODE: ['vus', 'rate'],
  VUS: 'count',
  DURATION: 'duration',
  RATE: 'count',
  OBJECT_SIZE: 'bytes',
  PART_SIZE: 'bytes',
  PREFIX: 'text',
  THRESHOLDS: 'json',
} satisfies Record<string, SettingKind>;

export type IngestSettings = Partial<Record<keyof typeof KINDS, string>>;

// The script's own defaults, where neither the profile nor the user gives a value.
const number = (s: IngestSettings, k: keyof IngestSettings, dflt: number) => Number(s[k] ?? dflt);

export const ingest: ScenarioWorkload<IngestSettings> = {
  kind: 'scenario',
  name: 'ingest',
  describe: 'PUT of Parquet-sized objects, single or multipart, at a fixed concurrency or arrival rate',
  profiles: {
    ci: { VUS: '4', DURATION: '10s', OBJECT_SIZE: String(4 * 1024 ** 2) },
    full: { VUS: '16', DURATION: '2m', OBJECT_SIZE: String(64 * 1024 ** 2), PART_SIZE: String(16 * 1024 ** 2) },
  },
  settings: (base, given, where) => scenarioSettings('ingest', KINDS, base, given, where),
  estimate(s, c) {
    const seconds = parseSeconds('DURATION', s.DURATION ?? '20s');
    const size = number(s, 'OBJECT_SIZE', 8 * 1024 ** 2);
    const part = number(s, 'PART_SIZE', 0);
    const puts = part > 0 ? putRequests(c.host, size, part) : 1;
    const iterations =
      s.MODE === 'rate'
        ? number(s, 'RATE', 10) * seconds
        : (number(s, 'VUS', 4) * seconds) / (puts * c.requestSeconds(size / puts));
    return { seconds, put: iterations * puts, get: 0, written: iterations * size, read: 0 };
  },
  objectSizes: (s) => [number(s, 'OBJECT_SIZE', 8 * 1024 ** 2)],
};
