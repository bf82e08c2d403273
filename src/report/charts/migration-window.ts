// Migrations: the extrapolated time of each candidate, in days, against the window (dashed rule).
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function migrationWindowChart(g: Loaded[]): Chart {
  const rows = g.map((r) => ({
    host: r.manifest.host,
    days: Number(r.metrics.migration_days),
    window: Number(r.metrics.window_days),
  }));
  return {
    title: 'migration time per candidate against the window',
    spec: {
      width: 420,
      height: 40 * rows.length + 40,
      layer: [
        {
          data: { values: rows },
          mark: 'bar',
          encoding: {
            y: { field: 'host', type: 'nominal' },
            x: { field: 'days', type: 'quantitative', title: 'days' },
            color: { field: 'host', type: 'nominal' },
          },
        },
        {
          data: { values: [{ window: rows[0].window }] },
          mark: { type: 'rule', color: 'black', strokeDash: [4, 3] },
          encoding: { x: { field: 'window', type: 'quantitative' } },
        },
      ],
    },
  };
}
