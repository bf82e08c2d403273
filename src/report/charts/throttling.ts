// Runs and migrations: the host's throttled answers (429, 503 SlowDown) in each second, by kind of
// request, one colour per host; drawn only when a host throttled something.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function throttlingChart(g: Loaded[]): Chart | null {
  const values = g.flatMap((r) => (r.throttling ?? []).map((t) => ({ ...t, host: r.manifest.host })));
  if (!values.length) return null;
  return {
    title: `${g[0].manifest.scenario}: throttled answers over time`,
    spec: {
      width: 560,
      height: 220,
      data: { values },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'second of the run' },
        y: { field: 'count', type: 'quantitative', title: 'throttled answers per second' },
        color: { field: 'host', type: 'nominal' },
        strokeDash: { field: 'op', type: 'nominal', title: 'request' },
      },
    },
  };
}
