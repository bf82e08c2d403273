// Cutovers: requests per second, ok and failed, with the switch window shaded (a progressive cutover: each
// step, from its procedure to the next step's); one chart per run.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function cutoverTimelineChart(r: Loaded): Chart {
  const rows = r.timeline.flatMap((t) => [
    { second: t.second, outcome: 'ok', requests: t.ok },
    { second: t.second, outcome: 'error', requests: t.errors },
  ]);
  const outcome = { domain: ['ok', 'error'], range: ['#4c78a8', '#e45756'] };
  const shade = r.steps?.length
    ? {
        data: { values: r.steps },
        mark: { type: 'rect' as const, opacity: 0.3 },
        encoding: {
          x: { field: 'from', type: 'quantitative' as const },
          x2: { field: 'to' },
          color: { field: 'step', type: 'nominal' as const, scale: { scheme: 'pastel1' }, title: 'step' },
        },
      }
    : {
        data: { values: [{ from: r.window![0], to: r.window![1] }] },
        mark: { type: 'rect' as const, color: '#f2c14e', opacity: 0.35 },
        encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' } },
      };
  return {
    title: `cutover on ${r.manifest.host}: timeline (${r.steps?.length ? 'steps' : 'switch window'} shaded)`,
    spec: {
      width: 560,
      height: 220,
      // Two color legends: the steps' and the outcomes'.
      ...(r.steps?.length ? { resolve: { scale: { color: 'independent' } } } : {}),
      layer: [
        shade,
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
