// Cutovers: requests per second, ok and failed, with the switch window shaded; one chart per run.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function cutoverTimelineChart(r: Loaded): Chart {
  const rows = r.timeline.flatMap((t) => [
    { second: t.second, outcome: 'ok', requests: t.ok },
    { second: t.second, outcome: 'error', requests: t.errors },
  ]);
  const outcome = { domain: ['ok', 'error'], range: ['#4c78a8', '#e45756'] };
  return {
    title: `cutover on ${r.manifest.host}: timeline (switch window shaded)`,
    spec: {
      width: 560,
      height: 220,
      layer: [
        {
          data: { values: [{ from: r.window![0], to: r.window![1] }] },
          mark: { type: 'rect', color: '#f2c14e', opacity: 0.35 },
          encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
        },
        {
          data: { values: rows },
          mark: 'bar',
          encoding: {
            x: { field: 'second', type: 'quantitative', title: 'second of the run' },
            y: { field: 'requests', type: 'quantitative', stack: true, title: 'requests' },
            color: { field: 'outcome', type: 'nominal', scale: outcome },
          },
        },
      ],
    },
  };
}
