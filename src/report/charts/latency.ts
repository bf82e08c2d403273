// Runs: request latency at p50, p90, p95 and p99, bars side by side per host.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function latencyChart(g: Loaded[]): Chart {
  const lat = g.flatMap((r) =>
    ['p50', 'p90', 'p95', 'p99'].map((p) => ({
      host: r.manifest.host,
      percentile: p,
      ms: Number(r.metrics[`${p}_ms`]),
    })),
  );
  return {
    title: `${g[0].manifest.scenario}: latency distribution`,
    spec: {
      width: 420,
      height: 220,
      data: { values: lat },
      mark: 'bar',
      encoding: {
        x: { field: 'percentile', type: 'nominal' },
        xOffset: { field: 'host' },
        y: { field: 'ms', type: 'quantitative', title: 'ms' },
        color: { field: 'host', type: 'nominal' },
      },
    },
  };
}
