// Mirrors: the objects the new host lacked, held older or still held after a delete, second by second
// (load and catch-up), stacked; one chart per run.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

export function mirrorDivergenceChart(r: Loaded): Chart | null {
  const m = r.mirror;
  if (!m || m.divergence_timeline.length === 0) return null;
  const kinds = ['missing', 'stale', 'resurrected'] as const;
  const rows = m.divergence_timeline.flatMap((s) => kinds.map((k) => ({ second: s.second, kind: k, objects: s[k] })));
  return {
    title: `mirror to ${r.manifest.host}: divergence over time`,
    spec: {
      width: 560,
      height: 220,
      data: { values: rows },
      mark: 'bar',
      encoding: {
        x: { field: 'second', type: 'quantitative', title: 'second of the run' },
        y: { field: 'objects', type: 'quantitative', stack: true, title: 'objects out of step' },
        color: {
          field: 'kind',
          type: 'nominal',
          scale: { domain: [...kinds], range: ['#f58518', '#72b7b2', '#e45756'] },
        },
      },
    },
  };
}
