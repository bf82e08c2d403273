// The consistency mix in the report: a chart of its anomalies over time for every run that carried it
// (alone, beside a cutover, beside a mirror), the cutover's switch windows shaded since their checks are
// not judged; and the scorecard's consistency rows read from the runs that measured them, not from the
// plain cutovers beside them.
import { describe, expect, it } from 'vitest';
import { charts } from '../../src/report/charts/index.js';
import { scorecard } from '../../src/report/scorecard.js';
import { ANOMALY_KINDS, type RunManifest } from '../../src/contracts/results.js';
import type { Criterion, Loaded } from '../../src/report/types.js';

function manifest(kind: RunManifest['kind'], host: string, workload: Record<string, unknown>): RunManifest {
  return {
    kind,
    id: `${kind}-${host}-${JSON.stringify(workload).length}`,
    host,
    provider: 'lab',
    scenario: kind,
    workload,
    object_sizes: null,
    tools: {},
    sndsbench: { version: '0', commit: '0' },
    machine: { platform: 'linux', cpus: 2, cpu: 'x', memory_gb: 4, node: '20' },
    started: '2026-12-07T00:00:00Z',
  };
}

const zeros = Object.fromEntries(ANOMALY_KINDS.map((k) => [k, 0])) as Record<(typeof ANOMALY_KINDS)[number], number>;
/** Seconds 0..9 with 10 checks each; 3 read-after-create anomalies in second 5. */
const timeline = Array.from({ length: 10 }, (_, second) => ({
  second,
  checks: 10,
  ...zeros,
  'read-after-create': second === 5 ? 3 : 0,
}));

function run(kind: RunManifest['kind'], host: string, extra: Partial<Loaded> = {}): Loaded {
  const m = manifest(kind, host, { scenario: kind, mix: 'consistency' in extra });
  return {
    id: m.id,
    dir: '.',
    manifest: m,
    metrics: {},
    series: [],
    timeline: [{ second: 0, ok: 1, errors: 0, p99_ms: 1 }],
    window: [3, 4],
    mirror: {
      lag: { seen: 0, never: 0, never_keys: [], p50_s: 0, p90_s: 0, p99_s: 0, max_s: 0 },
      lag_timeline: [],
      divergence_timeline: [],
    },
    ...extra,
  };
}

describe('the consistency mix in the report', () => {
  it('draws the anomalies over time of a cutover and a mirror run with the mix, and of a consistency run', () => {
    const cut = run('cutover', 'a', { consistency: { timeline, apart: [[3, 4.5]] } });
    const plain = run('cutover', 'b');
    const mir = run('mirror', 'a', { consistency: { timeline } });
    const alone = run('consistency', 'a', { consistency: { timeline } });
    const titles = charts([[cut, plain], [alone]]).map((c) => c.title);
    expect(titles).toContain('cutover on a: consistency anomalies over time (switches shaded, not judged)');
    expect(titles).toContain('consistency on a: anomalies over time');
    // The plain cutover has its timeline only.
    expect(titles.filter((t) => t.startsWith('cutover on b'))).toEqual([
      'cutover on b: timeline (switch window shaded)',
    ]);

    const cutChart = charts([[cut]]).find((c) => c.title.includes('consistency anomalies'))!;
    const layers = (cutChart.spec as { layer: { data: { values: Record<string, unknown>[] } }[] }).layer;
    // The switch shaded where its checks were set apart, then the anomalies by kind, then the checks.
    expect(layers[0].data.values).toEqual([{ from: 3, to: 4.5 }]);
    const bars = layers[1].data.values.filter((v) => v.anomalies);
    expect(bars).toEqual([{ second: 5, kind: 'read-after-create', anomalies: 3 }]);
    expect(layers[2].data.values).toHaveLength(10);

    // A mirror's chart: no shading (every check judged).
    const mc = charts([[mir]]).find((c) => c.title === 'mirror to a: consistency anomalies on the new host over time')!;
    expect((mc.spec as { layer: unknown[] }).layer).toHaveLength(2);
  });

  it('scores the consistency rows from the runs that measured them', () => {
    const criterion: Criterion = {
      id: 'cutover-consistency',
      label: 'anomalies',
      kind: 'cutover',
      metric: 'consistency_anomalies_per_100k',
      op: '<=',
      threshold: 0,
    };
    // Two plain cutovers (the larger group) and the same two hosts with the mix, one with anomalies.
    const plain = [run('cutover', 'a'), run('cutover', 'b'), run('cutover', 'c')];
    const mixed = [
      run('cutover', 'a', { consistency: { timeline }, metrics: { consistency_anomalies_per_100k: 0 } }),
      run('cutover', 'b', { consistency: { timeline }, metrics: { consistency_anomalies_per_100k: 3000 } }),
    ];
    const [row] = scorecard([criterion], [plain, mixed], ['a', 'b', 'c']);
    expect(row.cells.a).toMatchObject({ value: 0, pass: true, run: mixed[0].id });
    expect(row.cells.b).toMatchObject({ value: 3000, pass: false, run: mixed[1].id });
    expect(row.cells.c).toMatchObject({ value: null, pass: null });
  });
});
