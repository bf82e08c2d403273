// The report's charts, group by group: for runs their throughput and latency, for each cutover its
// timeline, for mirrors their lag distribution and each run's lag and divergence over time, for
// migrations their time against the window; for both, throttled answers over time; for consistency runs,
// and cutovers and mirrors run with the consistency mix, the mix's anomalies over time.
import type { Loaded } from '../types.js';
import type { Chart } from './chart.js';
import { consistencyAnomaliesChart } from './consistency-anomalies.js';
import { cutoverTimelineChart } from './cutover-timeline.js';
import { latencyChart } from './latency.js';
import { migrationWindowChart } from './migration-window.js';
import { mirrorDivergenceChart } from './mirror-divergence.js';
import { mirrorLagDistributionChart } from './mirror-lag-distribution.js';
import { mirrorLagTimelineChart } from './mirror-lag-timeline.js';
import { throughputChart } from './throughput.js';
import { throttlingChart } from './throttling.js';

export type { Chart } from './chart.js';

export function charts(groups: Loaded[][]): Chart[] {
  return groups
    .flatMap((g): (Chart | null)[] => {
      const kind = g[0].manifest.kind;
      if (kind === 'run') return [throughputChart(g), latencyChart(g), throttlingChart(g)];
      if (kind === 'cutover') return g.flatMap((r) => [cutoverTimelineChart(r), consistencyAnomaliesChart(r)]);
      if (kind === 'consistency') return g.map(consistencyAnomaliesChart);
      if (kind === 'mirror')
        return [
          mirrorLagDistributionChart(g),
          ...g.flatMap((r) => [mirrorLagTimelineChart(r), mirrorDivergenceChart(r), consistencyAnomaliesChart(r)]),
        ];
      return [migrationWindowChart(g), throttlingChart(g)];
    })
    .filter((c): c is Chart => c !== null);
}
