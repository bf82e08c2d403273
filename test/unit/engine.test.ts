// The engine's pure parts: k6's striping of execution segments, type-7 percentiles, the threshold grammar,
// durations, the arrival-rate and ramping-vus schedules, and the --summary-export transform.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/engine/duration.js';
import { percentile, RateSink, TrendSink, parseMetricKey } from '../../src/engine/metrics.js';
import { consolidate, ConfigError } from '../../src/engine/options.js';
import { arrivalOffset, rampingVusSteps } from '../../src/engine/schedule.js';
import { compose, stripeOf, workerStripe } from '../../src/engine/segments.js';
import { holds, parseThreshold } from '../../src/engine/thresholds.js';
import { asInstanceFactory, loadScript, LoadError, syncCalls } from '../../src/engine/loader.js';

describe('execution segments', () => {
  it('deal every index to exactly one segment of a sequence, in proportion to its length', () => {
    const seq = ['0', '1/4', '1/2', '1'];
    const stripes = [stripeOf(['0', '1/4'], seq), stripeOf(['1/4', '1/2'], seq), stripeOf(['1/2', '1'], seq)];
    const owners = Array.from({ length: 40 }, (_, i) =>
      stripes.flatMap((s, k) => (Array.from({ length: s.count(40) }, (_, j) => s.global(j)).includes(i) ? [k] : [])),
    );
    for (const o of owners) expect(o).toHaveLength(1);
    expect(stripes.map((s) => s.count(40))).toEqual([10, 10, 20]);
    // Counts sum to the total and never shrink as it grows.
    for (let v = 0; v < 50; v++) expect(stripes.reduce((a, s) => a + s.count(v), 0)).toBe(v);
  });

  it('compose: threads of a process share exactly the process segment', () => {
    const proc = stripeOf(['1/3', '1'], ['0', '1/3', '1']);
    const got = [0, 1, 2].flatMap((w) => {
      const s = compose(proc, workerStripe(w, 3));
      return Array.from({ length: s.count(30) }, (_, k) => s.global(k));
    });
    const want = Array.from({ length: proc.count(30) }, (_, k) => proc.global(k));
    expect(got.sort((a, b) => a - b)).toEqual(want);
  });
});

describe('statistics', () => {
  it('percentiles interpolate linearly between ranks (type 7)', () => {
    const s = new Float64Array([1, 2, 3, 4, 10]);
    expect(percentile(s, 0.5)).toBe(3);
    expect(percentile(s, 0.9)).toBeCloseTo(7.6, 12);
    expect(percentile(new Float64Array([5]), 0.99)).toBe(5);
    expect(percentile(new Float64Array([]), 0.5)).toBe(0);
    const t = new TrendSink();
    for (let i = 2000; i > 0; i--) t.add(i);
    expect(t.p(0.95)).toBeCloseTo(1900.05, 9);
  });

  it('sub-metric keys: the key cut at the first colon, quotes and spaces trimmed', () => {
    expect(parseMetricKey('http_req_duration{ group: "::api" , status:200}')).toEqual({
      name: 'http_req_duration',
      tags: { group: '::api', status: '200' },
    });
  });
});

describe('thresholds', () => {
  it('parse the grammar per metric type and refuse the rest', () => {
    expect(parseThreshold('p(99.9) <= 250', 'trend', 'x')).toMatchObject({ agg: 'p(99.9)', op: '<=', value: 250 });
    expect(
      parseThreshold({ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }, 'rate', 'x'),
    ).toMatchObject({ abortOnFail: true, delayAbortEvalMs: 10_000 });
    expect(parseThreshold('count===3', 'counter', 'x').op).toBe('==');
    for (const [t, type] of [
      ['avg<1', 'counter'],
      ['value>1', 'rate'],
      ['p(101)<1', 'trend'],
      ['count<', 'counter'],
    ] as const)
      expect(() => parseThreshold(t, type, 'x'), t).toThrow();
  });

  it('an empty Rate passes, an empty Trend reads 0', () => {
    const rate = parseThreshold('rate>0.5', 'rate', 'x');
    const trend = parseThreshold('max>0', 'trend', 'x');
    expect(holds(rate, new RateSink(), 1)).toBe(true);
    expect(holds(trend, new TrendSink(), 1)).toBe(false);
  });
});

describe('options and schedules', () => {
  it('durations as k6 writes them', () => {
    expect(parseDuration('1m30s', 'd')).toBe(90_000);
    expect(parseDuration('1.5s', 'd')).toBe(1500);
    expect(parseDuration('250ms', 'd')).toBe(250);
    expect(() => parseDuration('5 minutes', 'd')).toThrow();
  });

  it('shortcuts become one default scenario; mixing them is a config error', () => {
    expect(consolidate({ vus: 3, duration: '10s' }, {}).scenarios[0]).toMatchObject({
      name: 'default',
      executor: 'constant-vus',
      vus: 3,
      durationMs: 10_000,
    });
    expect(consolidate({}, {}).scenarios[0]).toMatchObject({ executor: 'per-vu-iterations', vus: 1, iterations: 1 });
    expect(consolidate({ vus: 5 }, {}).scenarios[0]).toMatchObject({ executor: 'shared-iterations', iterations: 5 });
    expect(() => consolidate({ duration: '1s', iterations: 2 }, {})).toThrow(ConfigError);
    expect(() =>
      consolidate({ duration: '1s', scenarios: { a: { executor: 'constant-vus', duration: '1s' } } }, {}),
    ).toThrow(ConfigError);
    expect(() =>
      consolidate({ scenarios: { a: { executor: 'shared-iterations', vus: 4, iterations: 2 } } }, {}),
    ).toThrow(ConfigError);
  });

  it('arrival offsets: constant from 0; ramping where the area reaches n', () => {
    const c = consolidate(
      { scenarios: { a: { executor: 'constant-arrival-rate', rate: 4, duration: '1s', preAllocatedVUs: 1 } } },
      {},
    ).scenarios[0];
    expect([0, 1, 2].map((g) => arrivalOffset(c, g))).toEqual([0, 250, 500]);
    const r = consolidate(
      {
        scenarios: {
          a: { executor: 'ramping-arrival-rate', preAllocatedVUs: 1, stages: [{ duration: '10s', target: 10 }] },
        },
      },
      {},
    ).scenarios[0];
    expect(arrivalOffset(r, 0)).toBeCloseTo(Math.sqrt(2) * 1000, 6); // rate t/s: area t²/2 reaches 1
  });

  it('ramping-vus steps one VU at a time, D/|b-a| apart', () => {
    const sc = consolidate(
      {
        scenarios: {
          a: {
            executor: 'ramping-vus',
            startVUs: 0,
            stages: [
              { duration: '1s', target: 2 },
              { duration: '1s', target: 0 },
            ],
          },
        },
      },
      {},
    ).scenarios[0];
    expect(rampingVusSteps(sc)).toEqual([
      [0, 0],
      [500, 1],
      [1000, 2],
      [1500, 1],
      [2000, 0],
    ]);
  });
});

describe('loading', () => {
  it('finds blocking calls however the module is imported', () => {
    expect(syncCalls('var http_default = __k6mod_http;\nhttp_default.put("u", b);')).toEqual(['http.put']);
    expect(syncCalls('function __k6sync_k6_sleep(...a) {}\n__k6sync_k6_sleep(1);')).toEqual(['sleep']);
    expect(syncCalls('var h = __k6mod_http;\nh.asyncRequest("GET", u);')).toEqual([]);
  });

  it('makes one instance of the script per VU from one compiled bundle, exports live', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sndsbench-loader-'));
    const script = join(dir, 'counter.ts');
    writeFileSync(
      script,
      [
        'let calls = 0;',
        'export let last = 0;',
        'const ready = await Promise.resolve(7);',
        'export default function (): number { calls++; last = calls * ready; return calls; }',
        'export { calls as "odd-name" };',
      ].join('\n'),
    );
    const loaded = await loadScript(script);
    try {
      const make = ((await import(loaded.url)) as { default: (c: object) => Promise<Record<string, unknown>> }).default;
      const a = await make({});
      const b = await make({});
      const run = (x: Record<string, unknown>) => (x.default as () => number)();
      expect([run(a), run(a), run(b)]).toEqual([1, 2, 1]);
      expect([a.last, b.last, a['odd-name']]).toEqual([14, 7, 2]);
      expect(a.default).not.toBe(b.default);
    } finally {
      loaded.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rewrites only the bundle's trailing export clause: a template line `export { x };` stays intact", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sndsbench-loader-'));
    const script = join(dir, 'template.ts');
    const doc = ['first line', 'export { x };', 'export {', '  y as z', '};', 'last line'].join('\n');
    writeFileSync(
      script,
      [
        'const x = 1;',
        'const y = 2;',
        `export const doc = \`${doc}\`;`,
        'export default function (): number { return x + y; }',
      ].join('\n'),
    );
    const loaded = await loadScript(script);
    try {
      const make = ((await import(loaded.url)) as { default: (c: object) => Promise<Record<string, unknown>> }).default;
      const vu = await make({});
      expect(vu.doc).toBe(doc);
      expect(Object.keys(vu).sort()).toEqual(['default', 'doc']);
      expect((vu.default as () => number)()).toBe(3);
    } finally {
      loaded.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bundle it cannot wrap rather than run it wrong', () => {
    expect(() => asInstanceFactory('import x from "y";\n')).toThrow(LoadError);
    const banner = '/* k6 script instance */\n';
    expect(() => asInstanceFactory(`${banner}import x from "y";\nexport { x };\n`)).toThrow(/cannot instantiate/);
    expect(() => asInstanceFactory(`${banner}var a = 1;\nexport default a;\n`)).toThrow(LoadError);
    expect(asInstanceFactory(`${banner}var a = 1;\nexport { a as b };\n`)).toContain('get ["b"]() { return a; }');
  });
});
