// Mirrors: the replication lag at p50, p90, p99 and max, bars side by side per host.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function mirrorLagDistributionChart(g: Loaded[]): Chart | null {
  const rows = g.flatMap((r) =>
    r.mirror
      ? (['p50', 'p90', 'p99', 'max'] as const).map((p) => ({
          host: r.manifest.host,
          statistic: p,
          seconds: r.mirror!.lag[`${p}_s`],
        }))
      : [],
  );
  if (!rows.length) return null;
  return {
    title: 'mirror: replication lag distribution',
    spec: {
      width: 420,
      height: 220,
      data: { values: rows },
      mark: 'bar',
      encoding: {
        x: { field: 'statistic', type: 'nominal', sort: ['p50', 'p90', 'p99', 'max'] },
        xOffset: { field: 'host' },
        y: { field: 'seconds', type: 'quantitative', title: 'lag (s)' },
        color: { field: 'host', type: 'nominal' },
      },
    },
  };
}
