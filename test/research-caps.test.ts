// Researchers under a provider's per-bucket request cap, enforced by the lab's HAProxy (`lab up --caps`,
// scaled down so that a few researchers reach it), with a latency on the target so that a request takes
// about as long whatever the load of the machine: researchers join one at a time past the number the
// capacity prediction gives, and throttling must first appear within one researcher of it, each throttled
// answer counted, every answer checked right (those that waited out throttling included).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { LAB, lacking } from './support/tools.js';
import { addToxic, clearToxics } from '../src/hosts/toxics.js';
import { researchEvent, type ResearchEvent } from '../src/contracts/events.js';
import type { ResearchResult } from '../src/contracts/results.js';
import type { K6Summary } from '../src/contracts/k6.js';
import { DEFAULT_QUERIES, loadQueries, resolveQueries } from '../src/load/research/queries.js';
import { predictQueries, researcherRate, researchersWithin } from '../src/load/research/predict.js';
import { readerSettings } from '../src/load/research/run.js';

const skip = lacking(__filename, LAB);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('research-caps');
const data = join(work, 'data');
// Scaleway's 1,000 requests/s per bucket × 0.013: 13 requests/s. With 200 ms of latency, a request of the
// lab's target takes about 400 ms (its server closes the connection after each answer, so each request
// pays a handshake through the latency too): a researcher asks about 4 GET/s, and three reach the cap.
const SCALE = '0.013';
const LATENCY = 200;
// One past the capacity the prediction gives at that request time (3): the last level is over the cap.
const RESEARCHERS = 4;

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

describe.skipIf(skip)('researchers under a per-bucket request cap', () => {
  beforeAll(async () => {
    const up = cli(['lab', 'up', '--caps', 'scaleway', '--caps-scale', SCALE]);
    expect(up.status, up.stderr).toBe(0);
    const g = cli(['generate', '--beneficiaries', '120', '--years', '2024', '--seed', '11', '--out', data]);
    expect(g.status, g.stderr).toBe(0);
    const s = cli(['seed', data, '--host', 'local-capped']);
    expect(s.status, s.stderr).toBe(0);
    await addToxic('local-target', 'research-caps-latency', {
      type: 'latency',
      stream: 'downstream',
      attributes: { latency: LATENCY, jitter: 0 },
    });
  }, 300_000);

  // The lab as the other files expect it: no toxic, no capped front.
  afterAll(async () => {
    await clearToxics('local-target').catch(() => undefined);
    cli(['lab', 'up']);
  });

  it('throttles within one researcher of the capacity predicted, every answer right', () => {
    const results = join(work, 'results');
    const r = cli([
      'research',
      '--host',
      'local-capped',
      '--dataset',
      data,
      '--researchers',
      String(RESEARCHERS),
      '--ramp',
      '5',
      '--think',
      '0',
      '--check',
      'first',
      '--results',
      results,
    ]);
    const out = r.stdout + r.stderr;
    expect(r.status, out).toBe(0);
    const dir = join(results, readdirSync(results)[0]);
    const result = JSON.parse(readFileSync(join(dir, 'research.json'), 'utf8')) as ResearchResult;
    const c = result.capacity;
    console.log(out.split('\n').find((l) => l.startsWith('capacity:')));

    // The prediction is the reader's plan over the local footers (GETs in sequential rounds, each a
    // request time measured alone on the host before the load) against the cap the front enforces.
    expect(c.cap).toBe(13);
    expect(c.request_ms_source).toBe('measured');
    expect(c.request_ms).toBeGreaterThanOrEqual(LATENCY);
    const files = JSON.parse(readFileSync(join(data, '_manifest.json'), 'utf8')).files;
    const plan = predictQueries(resolveQueries(loadQueries(DEFAULT_QUERIES), data, files), data, readerSettings({}));
    const rate = researcherRate(plan, c.request_ms);
    expect(c.predicted_rate).toBeCloseTo(rate, 9);
    expect(c.predicted).toBe(researchersWithin(13, rate));
    const predicted = c.predicted!;
    expect(predicted, `the ramp to ${RESEARCHERS} researchers must pass the predicted ${predicted}`).toBeLessThan(
      RESEARCHERS,
    );

    // Every level of the ramp measured; throttling first where predicted, ±1; over the cap, throttled.
    expect(result.levels.map((l) => l.researchers)).toEqual([1, 2, 3, 4]);
    expect(c.throttled_at, JSON.stringify(result.levels)).not.toBeNull();
    expect(Math.abs(c.throttled_at! - predicted), JSON.stringify(result.levels)).toBeLessThanOrEqual(1);
    expect(result.levels.find((l) => l.researchers === predicted + 1)!.throttled).toBeGreaterThan(0);

    // Each throttled answer counted: the researchers' events against k6's own counter of 503s.
    const events = readFileSync(join(dir, 'k6.log'), 'utf8')
      .split('\n')
      .map(researchEvent)
      .filter((e): e is ResearchEvent => e !== null);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as K6Summary;
    expect(result.throttled).toBeGreaterThan(0);
    expect(summary.metrics.s3_throttled.values.count).toBe(events.reduce((n, e) => n + e.throttled, 0));

    // Every answer checked is right: each query before the load, and each researcher's first run of each,
    // some of them read through throttled requests retried.
    expect(result.wrong).toEqual([]);
    for (const q of result.queries) expect(q.checked, q.query).toBeGreaterThanOrEqual(2);
    const checkedThrottled = events.filter((e) => e.researcher > 0 && e.checked && e.throttled > 0);
    expect(checkedThrottled.length).toBeGreaterThan(0);
    expect(checkedThrottled.filter((e) => e.wrong)).toEqual([]);
  }, 300_000);
});
