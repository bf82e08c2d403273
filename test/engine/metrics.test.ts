// Metrics, thresholds and the summary as k6 has them: exact type-7 percentiles, thresholds' outcomes and
// exit codes (99, 104, 108, 110), handleSummary's data shape and --summary-export's transform, and the
// JSON lines of --out json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count, runScript, workdir } from './support.js';

const trend = (values: number[], extra = '') => `
import { Trend } from 'k6/metrics';
const t = new Trend('known', true);
export const options = { iterations: 1,
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99.9)', 'count'],
  ${extra} };
export default function () { for (const v of ${JSON.stringify(values)}) t.add(v, { kind: 'k' }); }`;

describe('Trend statistics', () => {
  it('are exact, linearly interpolated between ranks (type 7)', async () => {
    const r = await runScript(trend([40, 10, 30, 20]));
    expect(r.code).toBe(0);
    const v = r.summary.metrics.known as Record<string, number>;
    expect(v).toMatchObject({ avg: 25, min: 10, med: 25, max: 40, count: 4 });
    expect(v['p(90)']).toBeCloseTo(37, 10);
    expect(v['p(95)']).toBeCloseTo(38.5, 10);
    expect(v['p(99.9)']).toBeCloseTo(39.97, 10);
  });

  it('stay exact when samples come from several threads', async () => {
    const script = `
import { Trend } from 'k6/metrics';
import exec from 'k6/execution';
const t = new Trend('spread');
export const options = { scenarios: { s: { executor: 'shared-iterations', vus: 4, iterations: 1000 } },
  summaryTrendStats: ['med', 'p(95)', 'p(99)', 'count'] };
export default function () { t.add(exec.scenario.iterationInTest); }`;
    const r = await runScript(script, ['--workers', '2']);
    const v = r.summary.metrics.spread as Record<string, number>;
    expect(v).toEqual({ med: 499.5, 'p(95)': 949.05, 'p(99)': 989.01, count: 1000 });
  });
});

describe('thresholds', () => {
  it('pass (0) and fail (99) as the grammar says, sub-metrics selected by tags', async () => {
    const ok = await runScript(
      trend([1, 2, 3], `thresholds: { 'known{kind:k}': ['p(95)<3', 'max<=3'], known: ['avg==2'] }`),
    );
    expect(ok.code).toBe(0);
    expect(ok.summary.metrics['known{kind:k}']).toMatchObject({ thresholds: { 'p(95)<3': false, 'max<=3': false } });
    const bad = await runScript(trend([1, 2, 3], `thresholds: { known: ['p(50) < 2', 'min>=1'] }`));
    expect(bad.code).toBe(99);
    expect(bad.summary.metrics.known).toMatchObject({ thresholds: { 'p(50) < 2': true, 'min>=1': false } });
  });

  it('an empty Rate passes; an empty Trend reads 0', async () => {
    const r = await runScript(trend([], `thresholds: { http_req_failed: ['rate==1'], http_req_duration: ['max>0'] }`));
    expect(r.code).toBe(99);
    expect(r.summary.metrics.http_req_failed).toMatchObject({ thresholds: { 'rate==1': false } });
    expect(r.summary.metrics.http_req_duration).toMatchObject({ thresholds: { 'max>0': true } });
  });

  it('an invalid threshold or option is exit 104', async () => {
    expect((await runScript(trend([1], `thresholds: { known: ['count<3'] }`))).code).toBe(104);
    expect((await runScript(trend([1], `thresholds: { nothing: ['count<3'] }`))).code).toBe(104);
    expect((await runScript(trend([1], `thresholds: { iterations: ['count<>3'] }`))).code).toBe(104);
    expect((await runScript(trend([1], `duration: '1s'`))).code).toBe(104);
  });

  it('abortOnFail stops the test early with 99', async () => {
    const r = await runScript(`
import { Counter } from 'k6/metrics';
import { setTimeout } from 'k6/timers';
const c = new Counter('ticks');
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '20s' } },
  thresholds: { ticks: [{ threshold: 'count<5', abortOnFail: true }] } };
export default async function () { c.add(1); await new Promise((r) => setTimeout(r, 100)); }`);
    expect(r.code).toBe(99);
    expect(r.seconds).toBeLessThan(12);
    expect(count(r, 'ticks')).toBeGreaterThanOrEqual(5);
  });
});

describe('the script ends the run', () => {
  it('exec.test.abort() is 108 and teardown still runs', async () => {
    const r = await runScript(`
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '20s' } } };
export default function () { if (exec.vu.iterationInScenario === 3) exec.test.abort('enough'); }
export function teardown() { console.log(JSON.stringify({ teardown: true })); }`);
    expect(r.code).toBe(108);
    expect(r.seconds).toBeLessThan(12);
    expect(r.logged).toContainEqual({ teardown: true });
    expect(r.stderr).toContain('enough');
  });

  it('exec.test.fail() is 110 and the run goes on', async () => {
    const r = await runScript(`
import exec from 'k6/execution';
export const options = { iterations: 3 };
export default function () { if (exec.scenario.iterationInTest === 0) exec.test.fail('marked'); }`);
    expect(r.code).toBe(110);
    expect(count(r, 'iterations')).toBe(3);
  });

  it('an exception in init or setup is 107; one inside an iteration changes nothing', async () => {
    expect((await runScript(`throw new Error('init');\nexport default function () {}`)).code).toBe(107);
    const setup = await runScript(
      `export function setup() { throw new Error('setup'); }\nexport default function () {}`,
    );
    expect(setup.code).toBe(107);
    const iter = await runScript(`export const options = { iterations: 2 };
export default function () { throw new Error('in the iteration'); }`);
    expect(iter.code).toBe(0);
    expect(count(iter, 'iterations')).toBe(2); // a thrown iteration is still complete
    expect(iter.stderr).toContain('in the iteration');
  });
});

describe('the summary', () => {
  it("handleSummary gets k6's data shape; --summary-export transforms it", async () => {
    const out = join(workdir(), 'handled.json');
    const r = await runScript(`
import { check, group } from 'k6';
import { Rate } from 'k6/metrics';
const ok = new Rate('ok_rate');
export const options = { iterations: 4, thresholds: { ok_rate: ['rate>0.5'] } };
export function setup() { return { seed: 7 }; }
export default function () {
  group('outer', () => { group('inner', () => { check(1, { one: (v) => v === 1, two: () => false }); }); });
  ok.add(true);
}
export function handleSummary(data) {
  return { ${JSON.stringify(out)}: JSON.stringify(data), stdout: 'handled\\n' };
}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('handled\n');
    const d = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(d).sort()).toEqual(['metrics', 'options', 'root_group', 'setup_data', 'state']);
    expect(d.setup_data).toEqual({ seed: 7 });
    expect(d.options.summaryTrendStats).toEqual(['avg', 'min', 'med', 'max', 'p(90)', 'p(95)']);
    expect(d.state.testRunDurationMs).toBeGreaterThan(0);
    expect(d.metrics.iterations).toMatchObject({ type: 'counter', contains: 'default', values: { count: 4 } });
    expect(d.metrics.ok_rate).toMatchObject({ type: 'rate', values: { rate: 1, passes: 4, fails: 0 } });
    expect(d.metrics.ok_rate.thresholds).toEqual({ 'rate>0.5': { ok: true } });
    expect(d.metrics.checks.values).toEqual({ rate: 0.5, passes: 4, fails: 4 });
    expect(d.metrics.group_duration.type).toBe('trend');
    expect(d.root_group).toMatchObject({ name: '', path: '', id: 'd41d8cd98f00b204e9800998ecf8427e' });
    const inner = d.root_group.groups[0].groups[0];
    expect(inner).toMatchObject({ name: 'inner', path: '::outer::inner' });
    expect(inner.checks).toContainEqual(
      expect.objectContaining({ name: 'one', path: '::outer::inner::one', passes: 4 }),
    );
    // --summary-export: values only, rate → value, thresholds true when failed, groups keyed by name.
    const e = r.summary as Record<string, any>;
    expect(e.options).toBeUndefined();
    expect(e.metrics.ok_rate).toEqual({ value: 1, passes: 4, fails: 0, thresholds: { 'rate>0.5': false } });
    expect(e.root_group.groups.outer.groups.inner.checks.two).toMatchObject({ passes: 0, fails: 4 });
  });

  it('counter rates are over the whole run, setup and teardown included', async () => {
    const r = await runScript(`
import { setTimeout } from 'k6/timers';
export const options = { iterations: 1 };
export async function setup() { await new Promise((r) => setTimeout(r, 1000)); }
export default function () {}
export function handleSummary(d) {
  return { stdout: JSON.stringify(d.metrics.iterations.values) + ' ' + d.state.testRunDurationMs };
}`);
    const [values, ms] = r.stdout.split(' ');
    expect(ms).toBeDefined();
    expect(Number(ms)).toBeGreaterThanOrEqual(1000);
    expect(JSON.parse(values).rate).toBeCloseTo(1000 / Number(ms), 6);
  });
});

describe('--out json', () => {
  it("writes k6's lines: a metric's declaration first, then Points with sorted tags and RFC 3339 times", async () => {
    const r = await runScript(trend([5], `thresholds: { 'known{kind:k}': ['max<10'] }`));
    const first = r.lines.findIndex((l) => l.metric === 'known');
    expect(r.lines[first]).toEqual({
      type: 'Metric',
      metric: 'known',
      data: {
        name: 'known',
        type: 'trend',
        contains: 'time',
        thresholds: [],
        submetrics: [{ name: 'known{kind:k}', suffix: 'kind:k', tags: { kind: 'k' } }],
      },
    });
    const p = r.points('known')[0];
    expect(p.data.value).toBe(5);
    expect(Object.keys(p.data.tags)).toEqual([...Object.keys(p.data.tags)].sort());
    expect(p.data.tags).toMatchObject({ kind: 'k', scenario: 'default', group: '' });
    expect(p.data.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/);
    for (const l of r.lines) expect(['Metric', 'Point']).toContain(l.type);
  });
});
