// Executors as k6 runs them: arrival-rate start times on an absolute clock, drops when no VU is free,
// iterations cut at gracefulStop, the iteration executors' dropped counts, ramping-vus step times, and the
// same counts whatever the number of threads or processes.
import { beforeAll, describe, expect, it } from 'vitest';
import { count, httpServer, runScript, type TestServer } from './support.js';

let server: TestServer;
beforeAll(async () => {
  server = await httpServer();
});

const imports = [
  "import http from 'k6/http';",
  "import exec from 'k6/execution';",
  "import { setTimeout } from 'k6/timers';",
  '',
].join('\n');
const pause = (ms: number) => `await new Promise((r) => setTimeout(r, ${ms}));`;

describe('constant-arrival-rate', () => {
  it('starts iteration k at k*timeUnit/rate, R*D ± 1 of them', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s',
  duration: '2s', preAllocatedVUs: 4 } } };
export default function () {
  console.log(JSON.stringify({ i: exec.scenario.iterationInTest, t: Date.now() - exec.scenario.startTime }));
}`,
    );
    expect(r.code).toBe(0);
    const starts = r.logged as { i: number; t: number }[];
    expect(Math.abs(starts.length - 40)).toBeLessThanOrEqual(1);
    expect(count(r, 'iterations')).toBe(starts.length);
    for (const s of starts) expect(Math.abs(s.t - s.i * 50), `iteration ${s.i} at ${s.t} ms`).toBeLessThan(25);
    expect(new Set(starts.map((s) => s.i)).size).toBe(starts.length);
  });

  it('drops the iterations no VU is free for, and counts each', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s',
  duration: '1s', preAllocatedVUs: 1, maxVUs: 1, gracefulStop: '3s' } } };
export default async function () { await http.asyncRequest('GET', __ENV.URL + '/stall?delay=1500'); }`,
      ['--workers', '1'],
      { URL: server.url },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(count(r, 'iterations'), r.stderr).toBe(1);
    expect(count(r, 'dropped_iterations')).toBe(19);
    for (const p of r.points('dropped_iterations')) expect(p.data.tags.scenario).toBe('a');
  });

  it('hands iterations to the VU idle the longest: every VU of the pool takes its turn', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s',
  duration: '1s', preAllocatedVUs: 5 } } };
export default function () { console.log(JSON.stringify({ vu: exec.vu.idInTest })); }`,
      ['--workers', '1'],
    );
    expect(r.code, r.stderr).toBe(0);
    const vus = (r.logged as { vu: number }[]).map((l) => l.vu);
    expect(vus.length).toBeGreaterThanOrEqual(19);
    // Iterations take microseconds: a last-in-first-out pool would give them all to one VU.
    expect(vus.slice(0, 10)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });
});

describe('ramping-arrival-rate', () => {
  it('starts iteration n where the rate integral reaches n', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'ramping-arrival-rate', startRate: 0, timeUnit: '1s',
  preAllocatedVUs: 4, stages: [{ duration: '2s', target: 20 }] } } };
export default function () {
  console.log(JSON.stringify({ i: exec.scenario.iterationInTest, t: Date.now() - exec.scenario.startTime }));
}`,
    );
    const starts = r.logged as { i: number; t: number }[];
    // The area under 10·t² (ms: rate t·10/s) reaches n at t = sqrt(n/5) s.
    expect(Math.abs(starts.length - 20)).toBeLessThanOrEqual(1);
    for (const s of starts) expect(Math.abs(s.t - Math.sqrt((s.i + 1) / 5) * 1000)).toBeLessThan(25);
  });
});

describe('deadlines', () => {
  it('cuts an iteration at gracefulStop: no iterations or iteration_duration sample for it', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s',
  gracefulStop: '500ms' } } };
export default async function () { await http.asyncRequest('GET', __ENV.URL + '/slow?delay=20000'); }`,
      [],
      { URL: server.url },
    );
    expect(r.code).toBe(0);
    expect(r.seconds).toBeLessThan(12);
    expect(r.points('iterations')).toHaveLength(0);
    expect(r.points('iteration_duration')).toHaveLength(0);
    expect(r.points('http_reqs')).toHaveLength(0); // the request in flight at the cut is dropped
    expect(r.points('data_sent').length).toBeGreaterThan(0); // its bytes still count
  });

  it('per-vu-iterations: each VU drops the iterations it had not started at maxDuration', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'per-vu-iterations', vus: 2, iterations: 10,
  maxDuration: '1s' } } };
export default async function () { ${pause(300)} }`,
    );
    expect(count(r, 'iterations')).toBe(8);
    expect(count(r, 'dropped_iterations')).toBe(12);
    expect(r.points('dropped_iterations').map((p) => p.data.value)).toEqual([6, 6]);
  });

  it('shared-iterations: the iterations never attempted are one dropped sample', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'shared-iterations', vus: 2, iterations: 20,
  maxDuration: '1s' } } };
export default async function () { ${pause(300)} }`,
      ['--workers', '1'],
    );
    expect(count(r, 'iterations')).toBe(8);
    expect(r.points('dropped_iterations').map((p) => p.data.value)).toEqual([12]);
  });
});

describe('ramping-vus', () => {
  it('adds VU j at j·D/(b−a) into a stage and removes them the same way', async () => {
    const r = await runScript(
      `${imports}
export const options = { scenarios: { a: { executor: 'ramping-vus', startVUs: 0, gracefulRampDown: '0s',
  stages: [{ duration: '1s', target: 4 }, { duration: '1s', target: 4 }, { duration: '1s', target: 0 }] } } };
export default async function () {
  console.log(JSON.stringify({ vu: exec.vu.idInTest, t: Date.now() - exec.scenario.startTime }));
  ${pause(50)}
}`,
    );
    expect(r.code).toBe(0);
    const seen = r.logged as { vu: number; t: number }[];
    for (let v = 1; v <= 4; v++) {
      const ts = seen.filter((s) => s.vu === v).map((s) => s.t);
      expect(Math.abs(Math.min(...ts) - v * 250), `VU ${v} first started at ${Math.min(...ts)}`).toBeLessThan(40);
      // Going down, the count drops to 4-j at 2000 + j·250 ms: VU v stops at 2000 + (5-v)·250.
      expect(Math.abs(Math.max(...ts) - (2000 + (5 - v) * 250)), `VU ${v} last started`).toBeLessThan(80);
    }
  });
});

describe('threads and processes', () => {
  const script = `${imports}
export const options = { scenarios: {
  s: { executor: 'shared-iterations', vus: 4, iterations: 40 },
  r: { executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 4 } } };
export default function () {
  console.log(JSON.stringify({ s: exec.scenario.name, id: exec.vu.idInTest, i: exec.scenario.iterationInTest }));
}`;
  const tally = (logged: Record<string, unknown>[], s: string) =>
    logged.filter((l) => l.s === s).map((l) => l.i as number);

  it('two threads start the same iterations as one, with the same unique indices', async () => {
    const one = await runScript(script, ['--workers', '1']);
    const two = await runScript(script, ['--workers', '2']);
    for (const r of [one, two]) {
      expect(r.code).toBe(0);
      expect(tally(r.logged, 's').sort((a, b) => a - b)).toEqual([...Array(40).keys()]);
      // Every due arrival either started (once, with its own index) or was dropped (a busy machine).
      const started = tally(r.logged, 'r');
      expect(new Set(started).size).toBe(started.length);
      for (const i of started) expect(i).toBeLessThan(20);
      expect(started.length + count(r, 'dropped_iterations')).toBe(20);
      expect(count(r, 'iterations') + count(r, 'dropped_iterations')).toBe(60);
    }
  });

  it('execution segments across processes compose with threads: the union is the whole test', async () => {
    const seq = ['--execution-segment-sequence', '0,1/3,1'];
    const a = await runScript(script, ['--execution-segment', '0:1/3', ...seq, '--workers', '2']);
    const b = await runScript(script, ['--execution-segment', '1/3:1', ...seq, '--workers', '1']);
    const s = [...tally(a.logged, 's'), ...tally(b.logged, 's')].sort((x, y) => x - y);
    const rr = [...tally(a.logged, 'r'), ...tally(b.logged, 'r')];
    expect(s).toEqual([...Array(40).keys()]);
    expect(new Set(rr).size).toBe(rr.length);
    expect(rr.length + count(a, 'dropped_iterations') + count(b, 'dropped_iterations')).toBe(20);
    const ids = (x: typeof a) => new Set(x.logged.map((l) => l.id as number));
    const both = [...ids(a)].filter((i) => ids(b).has(i));
    expect(both).toEqual([]);
  });
});
