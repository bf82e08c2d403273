// Mirrors: the replication lag of the changes acknowledged in each second of the run, p99 and max, with
// the run's threshold as a dashed rule; one chart per run.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function mirrorLagTimelineChart(r: Loaded): Chart | null {
  const m = r.mirror;
  if (!m || m.lag_timeline.length === 0) return null;
  const rows = m.lag_timeline.flatMap((s) => [
    { second: s.second, statistic: 'p99', seconds: s.p99_s },
    { second: s.second, statistic: 'max', seconds: s.max_s },
  ]);
  return {
    title: `mirror to ${r.manifest.host}: replication lag over time`,
    spec: {
      width: 560,
      height: 220,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'second of the run (acknowledged)' },
        y: { field: 'seconds', type: 'quantitative', title: 'lag (s)' },
        color: {
          field: 'statistic',
          type: 'nominal',
          scale: { domain: ['p99', 'max'], range: ['#4c78a8', '#e45756'] },
        },
        // A dashed max: in a second of few changes p99 and max coincide, and the p99 stays visible.
        strokeDash: {
          field: 'statistic',
          type: 'nominal',
          scale: {
            domain: ['p99', 'max'],
            range: [
              [1, 0],
              [4, 3],
            ],
          },
        },
      },
    },
  };
}
