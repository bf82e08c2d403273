// The executors of one thread: its share of every scenario (VUs and iterations striped by segment),
// started on absolute clocks from one start time, with k6's two deadlines, interrupted iterations,
// dropped_iterations, and arrival-rate pools that grow one background VU at a time up to maxVUs.
import { arrivalOffset, initialVUsOf, maxVUsOf, rampingVusSteps } from './schedule.js';
import type { Scenario } from './options.js';
import { weightedStripe, workerStripe, type Stripe } from './segments.js';
import { now, type Shared } from './vu-context.js';
import { VU, type ScenarioState } from './vu.js';

export interface Stripes {
  /** The process's share of the test (its execution segment). */
  proc: Stripe;
  /** This thread's share of the process's. */
  thread: Stripe;
  worker: number;
  workers: number;
  /** Per scenario, the process's next iteration index, shared by its threads (k6's one counter). */
  iterations: Int32Array;
}

/** How many of `v` thread `w` of `n` gets. */
function threadCount(w: number, n: number, v: number): number {
  return workerStripe(w, n).count(v);
}

class ScenarioRun {
  readonly busy = new Set<VU>();
  /** Iterations this thread started. */
  started = 0;
  /** Arrival-rate scenarios: the thread's share of the schedule, in proportion to its VUs. */
  readonly schedule: Stripe;
  regularEnd = 0;
  hardEnd = 0;
  start = 0;
  stopped = false;
  private wake: (() => void)[] = [];
  constructor(
    readonly sc: Scenario,
    readonly stripes: Stripes,
    readonly index: number,
  ) {
    const { proc, worker, workers } = stripes;
    const weights = Array.from({ length: workers }, (_, w) => threadCount(w, workers, proc.count(maxVUsOf(sc))));
    this.schedule = weightedStripe(weights, worker);
  }
  /** This thread's share of a count the process gets `proc.count(v)` of. */
  count(v: number) {
    return this.stripes.thread.count(this.stripes.proc.count(v));
  }
  /** The process-wide index of the next iteration (one counter for all threads). */
  next(): number {
    return Atomics.add(this.stripes.iterations, this.index, 1);
  }
  /** The test-wide index of the process's j-th. */
  inTest(j: number) {
    return this.stripes.proc.global(j);
  }
  /** The process-wide index of this thread's k-th VU. */
  vuInInstance(k: number) {
    return this.stripes.thread.global(k);
  }
  /** Resolves at `at` or when the scenario stops, whichever is first. */
  sleepUntil(at: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((r) => {
      const t = setTimeout(done, Math.max(0, at - now()));
      const wake = this.wake;
      function done() {
        clearTimeout(t);
        r();
      }
      wake.push(done);
    });
  }
  stop() {
    this.stopped = true;
    for (const w of this.wake.splice(0)) w();
  }
}

export class ThreadRunner {
  private nextLocal = 0;
  private readonly pools = new Map<string, VU[]>();
  private readonly runs: ScenarioRun[] = [];
  private setupJson: string | undefined;

  constructor(
    private readonly shared: Shared,
    private readonly bundleUrl: string,
    private readonly scenarios: Scenario[],
    private readonly stripes: Stripes,
  ) {}

  /** A new VU of this thread: its ids in the instance and in the test come from the stripes. */
  private async newVU(): Promise<VU> {
    const j = this.stripes.thread.global(this.nextLocal++);
    const vu = new VU(this.shared, j + 1, this.stripes.proc.global(j) + 1);
    await vu.init(this.bundleUrl);
    this.shared.counters.vusInitialized++;
    return vu;
  }

  /** Initialises every scenario's pre-allocated VUs (before setup, as k6 does). */
  async init(): Promise<void> {
    for (const [i, sc] of this.scenarios.entries()) {
      const run = new ScenarioRun(sc, this.stripes, i);
      this.runs.push(run);
      const n = run.count(initialVUsOf(sc));
      const pool: VU[] = [];
      for (let i = 0; i < n; i++) pool.push(await this.newVU());
      this.pools.set(sc.name, pool);
    }
  }

  get vusMax() {
    return this.shared.counters.vusInitialized;
  }

  /** Runs every scenario from `startAt` (epoch ms) to its end. */
  async run(startAt: number, setupJson: string | undefined): Promise<void> {
    this.setupJson = setupJson;
    await Promise.all(this.runs.map((r) => this.runScenario(r, startAt + r.sc.startTimeMs)));
  }

  /** Stops every scenario now: running iterations are interrupted. */
  stopAll() {
    for (const r of this.runs) {
      r.stop();
      for (const vu of r.busy) vu.interrupt();
    }
  }

  private async runScenario(run: ScenarioRun, start: number): Promise<void> {
    await run.sleepUntil(start);
    if (run.stopped) return;
    const sc = run.sc;
    run.start = start;
    run.regularEnd = start + sc.durationMs;
    run.hardEnd = run.regularEnd + sc.gracefulStopMs;
    const hard = setTimeout(
      () => {
        run.stop();
        for (const vu of run.busy) vu.interrupt();
      },
      Math.max(0, run.hardEnd - now()),
    );
    const regular = setTimeout(() => run.stop(), Math.max(0, run.regularEnd - now()));
    try {
      switch (sc.executor) {
        case 'constant-vus':
          await this.looping(run, () => true);
          break;
        case 'per-vu-iterations':
          await this.perVuIterations(run);
          break;
        case 'shared-iterations':
          await this.sharedIterations(run);
          break;
        case 'ramping-vus':
          await this.rampingVus(run);
          break;
        default:
          await this.arrivalRate(run);
      }
    } finally {
      clearTimeout(hard);
      clearTimeout(regular);
    }
  }

  private stateFor(vu: VU, run: ScenarioRun): ScenarioState {
    if (vu.scenario?.scenario !== run.sc) {
      const sc = run.sc;
      vu.activate({
        scenario: sc,
        start: run.start,
        progress: () => Math.min(1, sc.durationMs ? (now() - run.start) / sc.durationMs : 1),
        iterationInInstance: 0,
        iterationInTest: 0,
      });
    }
    return vu.scenario!;
  }

  /** One iteration of `vu` in `run`, the process's j-th (test-wide g-th); true when it completed. */
  private async iterate(vu: VU, run: ScenarioRun, j: number, g = run.inTest(j)): Promise<boolean> {
    run.started++;
    const state = this.stateFor(vu, run);
    state.iterationInInstance = j;
    state.iterationInTest = g;
    const fn = vu.exports[run.sc.exec];
    if (typeof fn !== 'function')
      throw new Error(`scenario ${run.sc.name}: the script exports no function ${run.sc.exec}`);
    const counters = this.shared.counters;
    run.busy.add(vu);
    counters.vusActive++;
    vu.setIter(vu.iter);
    vu.groupPath = '';
    if (!this.shared.options?.noCookiesReset) vu.http.jar.clearAll();
    const start = now();
    const ok = await vu.run(fn as (d: unknown) => unknown, vu.setupData(this.setupJson), 'iteration');
    const end = now();
    run.busy.delete(vu);
    counters.vusActive--;
    if (ok) {
      counters.iterationsCompleted++;
      const tags = vu.tags();
      this.shared.sink.pushMany(['iterations', 'iteration_duration'], tags, [1, end - start], end);
    } else counters.iterationsInterrupted++;
    vu.emitData(end);
    vu.iter++;
    vu.iterInScenario++;
    return ok;
  }

  private dropped(run: ScenarioRun, n: number, vu?: VU) {
    if (n <= 0) return;
    const tags = { ...this.shared.options?.tags, ...run.sc.tags, scenario: run.sc.name };
    void vu;
    this.shared.sink.push('dropped_iterations', tags, n, now());
  }

  /** Each VU of the pool loops while `more()` and the regular end has not passed. */
  private async looping(run: ScenarioRun, more: (vu: VU) => boolean): Promise<void> {
    const pool = this.pools.get(run.sc.name)!;
    await Promise.all(
      pool.map(async (vu) => {
        while (!run.stopped && now() < run.regularEnd && more(vu)) await this.iterate(vu, run, run.next());
      }),
    );
  }

  private async perVuIterations(run: ScenarioRun): Promise<void> {
    const pool = this.pools.get(run.sc.name)!;
    await Promise.all(
      pool.map(async (vu) => {
        let done = 0;
        while (done < run.sc.iterations && !run.stopped && now() < run.regularEnd) {
          await this.iterate(vu, run, run.next());
          done++;
        }
        this.dropped(run, run.sc.iterations - done, vu);
      }),
    );
  }

  private async sharedIterations(run: ScenarioRun): Promise<void> {
    // One counter for the process's VUs in every thread: a VU takes the next iteration while some are left.
    const total = run.stripes.proc.count(run.sc.iterations);
    const pool = this.pools.get(run.sc.name)!;
    const counter = run.stripes.iterations;
    await Promise.all(
      pool.map(async (vu) => {
        while (!run.stopped && now() < run.regularEnd) {
          const j = Atomics.add(counter, run.index, 1);
          if (j >= total) break;
          await this.iterate(vu, run, j);
        }
      }),
    );
    // Stopped by the clock with iterations left: the first thread to close the counter reports what was
    // never attempted (a thread without VUs stopped at once and reports nothing).
    if (pool.length && Atomics.load(counter, run.index) < total) {
      const taken = Atomics.exchange(counter, run.index, total);
      if (taken < total) this.dropped(run, total - taken);
    }
  }

  private async rampingVus(run: ScenarioRun): Promise<void> {
    const sc = run.sc;
    const pool = this.pools.get(sc.name)!;
    // The VU of global index g runs while the planned count is above g.
    const globalIndex = pool.map((_, k) => run.inTest(run.vuInInstance(k)));
    let target = 0;
    const loops = new Map<VU, Promise<void>>();
    const rampDown = new Set<NodeJS.Timeout>();
    const loop = async (vu: VU, g: number) => {
      while (!run.stopped && now() < run.regularEnd && target > g) await this.iterate(vu, run, run.next());
      loops.delete(vu);
    };
    const apply = (count: number) => {
      const before = target;
      target = count;
      pool.forEach((vu, k) => {
        const g = globalIndex[k];
        if (g < count && !loops.has(vu)) loops.set(vu, loop(vu, g));
        if (g < before && g >= count && run.busy.has(vu)) {
          // Ramped down: gracefulRampDown to finish, then interrupted if still running and still not wanted.
          const iter = vu.iter;
          const t = setTimeout(() => {
            rampDown.delete(t);
            if (target <= g && vu.iter === iter && run.busy.has(vu)) vu.interrupt();
          }, sc.gracefulRampDownMs);
          rampDown.add(t);
        }
      });
    };
    for (const [offset, count] of rampingVusSteps(sc)) {
      if (offset > 0) await run.sleepUntil(run.start + offset);
      if (run.stopped) break;
      apply(count);
    }
    await run.sleepUntil(run.regularEnd);
    while (loops.size) await Promise.all([...loops.values()]);
    for (const t of rampDown) clearTimeout(t);
  }

  private async arrivalRate(run: ScenarioRun): Promise<void> {
    const sc = run.sc;
    const idle = [...this.pools.get(sc.name)!];
    let vus = idle.length;
    const max = run.count(maxVUsOf(sc));
    let growing = false;
    let warned = false;
    const running = new Set<Promise<void>>();
    const durationOffset = sc.durationMs;
    for (let k = 0; ; k++) {
      const j = run.schedule.global(k);
      if (!Number.isFinite(j)) break;
      const g = run.inTest(j);
      const offset = arrivalOffset(sc, g);
      if (!(offset < durationOffset)) break;
      const due = run.start + offset;
      if (due > now()) await run.sleepUntil(due);
      if (run.stopped) break;
      // The VU idle the longest takes the iteration, as k6's VUs wait in turn on a Go channel: a pool
      // larger than needed spreads its iterations over every VU rather than reusing the last one.
      const vu = idle.shift();
      if (!vu) {
        this.dropped(run, 1);
        if (vus < max && !growing) {
          growing = true;
          vus++;
          this.newVU().then(
            (v) => {
              growing = false;
              idle.push(v);
            },
            (e: unknown) => {
              growing = false;
              vus--;
              this.shared.log('error', `could not initialise a VU: ${(e as Error).message}`);
            },
          );
        } else if (vus >= max && !warned) {
          warned = true;
          this.shared.log('warning', `Insufficient VUs, reached ${vus} active VUs and cannot initialize more`, {
            executor: sc.executor,
            scenario: sc.name,
          });
        }
        continue;
      }
      const p: Promise<void> = this.iterate(vu, run, j, g).then(() => {
        idle.push(vu);
        running.delete(p);
      });
      running.add(p);
    }
    await Promise.all(running);
  }
}
