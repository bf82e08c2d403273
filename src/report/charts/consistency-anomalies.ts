// Consistency runs: the anomalies of each kind second by second, stacked, with the checks made in
// that second for scale; one chart per run.
import { ANOMALY_KINDS } from '../../contracts/results.js';
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

const COLOURS = ['#e45756', '#f58518', '#b279a2', '#4c78a8', '#72b7b2'];

export function consistencyAnomaliesChart(r: Loaded): Chart | null {
  const t = r.consistency?.timeline;
  if (!t || t.length === 0) return null;
  const rows = t.flatMap((s) => ANOMALY_KINDS.map((kind) => ({ second: s.second, kind, anomalies: s[kind] })));
  const checks = t.map((s) => ({ second: s.second, checks: s.checks }));
  const x = { field: 'second', type: 'quantitative' as const, title: 'second of the run' };
  return {
    title: `consistency on ${r.manifest.host}: anomalies over time`,
    spec: {
      width: 560,
      height: 220,
      layer: [
        {
          data: { values: rows },
          mark: 'bar',
          encoding: {
            x,
            y: { field: 'anomalies', type: 'quantitative', stack: true, title: 'anomalies' },
            color: { field: 'kind', type: 'nominal', scale: { domain: [...ANOMALY_KINDS], range: COLOURS } },
          },
        },
        {
          data: { values: checks },
          mark: { type: 'line', color: '#999', strokeDash: [4, 3] },
          encoding: { x, y: { field: 'checks', type: 'quantitative', title: 'checks (dashed)' } },
        },
      ],
      resolve: { scale: { y: 'independent' } },
    },
  };
}
