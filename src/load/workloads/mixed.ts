// Mixed (scenarios/mixed.ts): a research platform's day, a weighted mix of range reads, full GETs, PUTs of
// results, HEADs and LISTs.
import { parseSeconds } from '../../util/units.js';
import { scenarioSettings, type ScenarioWorkload, type SettingKind } from './workload.js';

const KINDS = {
  VUS: 'count',
  DURATION: 'duration',
  OBJECT_SIZE: 'bytes',
  OBJECTS: 'count',
  PREFIX: 'text',
  MIX: 'json',
  THRESHOLDS: 'json',
} satisfies Record<string, SettingKind>;

export type MixedSettings = Partial<Record<keyof typeof KINDS, string>>;

/** The script's default mix, in percent. */
const MIX = '{"get_range":45,"get":15,"put":15,"head":15,"list":10}';
const RANGE = 65536;

export const mixed: ScenarioWorkload<MixedSettings> = {
  kind: 'scenario',
  name: 'mixed',
  describe: 'a weighted mix of range reads, full GETs, PUTs, HEADs and LISTs',
  profiles: {
    ci: { VUS: '4', DURATION: '10s', OBJECT_SIZE: String(1024 ** 2), OBJECTS: '16' },
    full: { VUS: '16', DURATION: '2m', OBJECT_SIZE: String(16 * 1024 ** 2), OBJECTS: '128' },
  },
  settings: (base, given, where) => scenarioSettings('mixed', KINDS, base, given, where),
  estimate(s, c) {
    const seconds = parseSeconds('DURATION', s.DURATION ?? '20s');
    const size = Number(s.OBJECT_SIZE ?? 1024 ** 2);
    const objects = Number(s.OBJECTS ?? 16);
    const mix = JSON.parse(s.MIX ?? MIX) as Record<string, number>;
    const sum = Object.values(mix).reduce((a, b) => a + b, 0) || 1;
    const share = (k: string) => (mix[k] ?? 0) / sum;
    const bytes = share('get_range') * RANGE + (share('get') + share('put')) * size;
    const requests = (Number(s.VUS ?? 4) * seconds) / c.requestSeconds(bytes);
    return {
      seconds,
      put: objects + requests * share('put'),
      get: requests * (1 - share('put')),
      written: (objects + requests * share('put')) * size,
      read: requests * (share('get_range') * RANGE + share('get') * size),
    };
  },
  objectSizes: (s) => [Number(s.OBJECT_SIZE ?? 1024 ** 2)],
};
