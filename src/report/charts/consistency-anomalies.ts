// The consistency mix's anomalies of each kind second by second, stacked, with the checks made in that
// second for scale; one chart per run: of `sndsbench consistency`, and of a cutover or a mirror run with
// `--consistency`. A cutover's checks begun during its switch (each step's, for a progressive one) are
// set apart and not judged, so they are missing from the bars: those windows are shaded to say why.
import { ANOMALY_KINDS } from '../../contracts/results.js';
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';

const COLOURS = ['#e45756', '#f58518', '#b279a2', '#4c78a8', '#72b7b2'];

function titleOf(r: Loaded): string {
  const { kind, host } = r.manifest;
  if (kind === 'cutover') return `cutover on ${host}: consistency anomalies over time (switches shaded, not judged)`;
  if (kind === 'mirror') return `mirror to ${host}: consistency anomalies on the new host over time`;
  return `consistency on ${host}: anomalies over time`;
}

export function consistencyAnomaliesChart(r: Loaded): Chart | null {
  const t = r.consistency?.timeline;
  if (!t || t.length === 0) return null;
  const rows = t.flatMap((s) => ANOMALY_KINDS.map((kind) => ({ second: s.second, kind, anomalies: s[kind] })));
  const checks = t.map((s) => ({ second: s.second, checks: s.checks }));
  const x = { field: 'second', type: 'quantitative' as const, title: 'second of the run' };
  const spans = (r.consistency?.apart ?? []).map(([from, to]) => ({ from, to }));
  const shade = spans.length
    ? [
        {
          data: { values: spans },
          mark: { type: 'rect' as const, color: '#f2c14e', opacity: 0.35 },
          encoding: { x: { field: 'from', type: 'quantitative' as const }, x2: { field: 'to' } },
        },
      ]
    : [];
  return {
    title: titleOf(r),
    spec: {
      width: 560,
      height: 220,
      layer: [
        ...shade,
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
