// Runs: MiB/s in each second of the run, one line per host.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function throughputChart(g: Loaded[]): Chart | null {
  const series = g.flatMap((r) => r.series.map((s) => ({ ...s, host: r.manifest.host })));
  if (!series.length) return null;
  return {
    title: `${g[0].manifest.scenario}: throughput over time`,
    spec: {
      width: 560,
      height: 220,
      data: { values: series },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'second of the run' },
        y: { field: 'mib_s', type: 'quantitative', title: 'MiB/s' },
        color: { field: 'host', type: 'nominal' },
      },
    },
  };
}
