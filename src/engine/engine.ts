// One `run`: load the script, read its options in an init pass, start the worker threads (each runs its
// share of every scenario), run setup and teardown on the main thread, merge every sample as it comes,
// check thresholds every 2 s and at the end, then handleSummary and k6's exit code.
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Aggregator } from './aggregator.js';
import { JsonOut } from './jsonout.js';
import { loadScript, LoadError, type LoadedScript } from './loader.js';
import { formatLog, type Level, type LogFields } from './log.js';
import { consolidate, ConfigError, type Options, type Overrides } from './options.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { AbortRun, now, type InstanceCounters, type Shared } from './vu-context.js';
import { summaryData, summaryExport, textSummary } from './summary.js';
import { holds } from './thresholds.js';
import { VU } from './vu.js';

export const EXIT = {
  ok: 0,
  thresholds: 99,
  setupTimeout: 100,
  teardownTimeout: 101,
  config: 104,
  script: 107,
  aborted: 108,
  failed: 110,
} as const;

export interface RunArgs {
  script: string;
  quiet: boolean;
  logJson: boolean;
  outJson: string | null;
  summaryExport: string | null;
  env: Record<string, string>;
  segment: [string, string] | null;
  sequence: string[] | null;
  overrides: Overrides;
  workers: number;
  noThresholds: boolean;
}

/** Roots as Go reads them on Linux: SSL_CERT_FILE, then every file of SSL_CERT_DIR's folders. */
export function trustedRoots(env: NodeJS.ProcessEnv): string[] | undefined {
  const pems: string[] = [];
  if (env.SSL_CERT_FILE && existsSync(env.SSL_CERT_FILE)) pems.push(readFileSync(env.SSL_CERT_FILE, 'utf8'));
  for (const dir of (env.SSL_CERT_DIR ?? '').split(':').filter(Boolean)) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir, { withFileTypes: true }))
      if (f.isFile() || f.isSymbolicLink()) {
        try {
          const text = readFileSync(join(dir, f.name), 'utf8');
          if (text.includes('-----BEGIN CERTIFICATE-----')) pems.push(text);
        } catch {
          // unreadable entries are skipped, as Go does
        }
      }
  }
  if (!env.SSL_CERT_FILE && !env.SSL_CERT_DIR) return undefined;
  return pems.flatMap((p) => p.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? []);
}

/** Writes a file whole or not at all. */
function writeAtomic(file: string, data: string | Uint8Array) {
  const tmp = `${file}.partial-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

class Run {
  private readonly agg = new Aggregator();
  private readonly workers: Worker[] = [];
  private readonly counters = new Map<Worker, InstanceCounters>();
  private abortCode: number | null = null;
  private failedByScript = false;
  private stopped = false;
  private loaded: LoadedScript | null = null;
  private options: Options | null = null;
  private testStart = 0;

  constructor(private readonly a: RunArgs) {}

  private log(level: Level, msg: string, fields?: LogFields) {
    if (level === 'debug') return;
    process.stderr.write(formatLog(this.a.logJson, level, msg, fields) + '\n');
  }

  private shared(): Shared {
    return {
      env: this.a.env,
      options: null,
      sink: this.agg,
      log: (l, m, f) => this.log(l, m, f),
      ca: trustedRoots(this.a.env),
      scriptDir: this.loaded!.dir,
      files: new Map(),
      sharedArrays: new Map(),
      metricDefs: new Map(),
      counters: { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0 },
      testStart: 0,
      abort: (reason) => this.abort(EXIT.aborted, `test aborted${reason ? ': ' + reason : ''}`),
      fail: (reason) => {
        this.failedByScript = true;
        if (reason) this.log('error', `test marked as failed: ${reason}`);
      },
    };
  }

  private abort(code: number, why: string) {
    if (this.abortCode !== null) return;
    this.abortCode = code;
    this.log('error', why);
    this.stopWorkers();
  }

  private stopWorkers() {
    if (this.stopped) return;
    this.stopped = true;
    for (const w of this.workers) w.postMessage({ type: 'stop' } satisfies ToWorker);
  }

  async execute(): Promise<number> {
    const unhandled = (e: unknown) =>
      this.log('error', `Uncaught (in promise) ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.on('unhandledRejection', unhandled);
    try {
      return await this.execute1();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  }

  private async execute1(): Promise<number> {
    try {
      this.loaded = await loadScript(this.a.script);
    } catch (e) {
      this.log('error', (e as Error).message);
      return e instanceof LoadError ? EXIT.script : EXIT.script;
    }
    try {
      return await this.main();
    } finally {
      this.loaded.cleanup();
    }
  }

  /** Runs a lifecycle function (setup, teardown, handleSummary) on the main VU: its value, once its loop is idle. */
  private async lifecycle(vu: VU, name: string, arg: unknown, timeoutMs: number): Promise<{ value: unknown }> {
    const fn = vu.exports[name] as (a: unknown) => unknown;
    let value: unknown;
    let error: unknown = null;
    const wrapped = (x: unknown) => {
      const r = fn(x);
      if (r && typeof (r as Promise<unknown>).then === 'function')
        return (r as Promise<unknown>).then(
          (v) => (value = v),
          (e: unknown) => {
            error = e;
          },
        );
      value = r;
      return undefined;
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)));
    try {
      const done = vu.run(
        (x) => {
          try {
            return wrapped(x);
          } catch (e) {
            error = e;
            return undefined;
          }
        },
        arg,
        name,
      );
      if ((await Promise.race([done, timedOut])) === 'timeout') {
        vu.interrupt();
        throw Object.assign(new Error(`${name}() execution timed out after ${timeoutMs / 1000} seconds`), {
          timeout: true,
        });
      }
    } finally {
      clearTimeout(timer);
    }
    if (error) throw error;
    return { value };
  }

  private async main(): Promise<number> {
    const loaded = this.loaded!;
    const shared = this.shared();
    const vu0 = new VU(shared, 0, 0);
    try {
      await vu0.init(loaded.url);
    } catch (e) {
      this.log('error', e instanceof Error ? (e.stack ?? e.message) : String(e));
      return EXIT.script;
    }
    const scriptOptions = JSON.parse(JSON.stringify(vu0.exports.options ?? {})) as unknown;
    try {
      this.options = consolidate(scriptOptions, this.a.overrides);
      shared.options = this.options;
      for (const def of shared.metricDefs.values()) this.agg.define(def);
      if (!this.a.noThresholds) this.agg.setThresholds(this.options.thresholds);
      for (const sc of this.options.scenarios)
        if (typeof vu0.exports[sc.exec] !== 'function')
          throw new ConfigError(`scenario ${sc.name}: the script exports no function "${sc.exec}"`);
    } catch (e) {
      this.log('error', (e as Error).message);
      return e instanceof ConfigError || !(e instanceof TypeError) ? EXIT.config : EXIT.script;
    }
    const options = this.options;
    if (this.a.outJson) this.agg.out = new JsonOut(this.a.outJson, (m) => this.agg.declaration(m));

    const failure = await this.startWorkers(loaded, scriptOptions);
    if (failure) {
      this.log('error', failure);
      await this.terminate();
      return EXIT.script;
    }

    // The test run: from just before setup to just after teardown.
    this.testStart = shared.testStart = now();
    let setupData: unknown = undefined;
    let setupJson: string | undefined;
    let code = 0;
    const setupFailed = await this.runLifecycle(vu0, 'setup', undefined, options.setupTimeoutMs, '::setup', (v) => {
      setupData = v;
      setupJson = v === undefined ? undefined : JSON.stringify(v);
    });
    if (setupFailed) code = setupFailed;

    const tickers = this.startTickers();
    if (!setupFailed && this.abortCode === null) await this.runWorkers(setupJson);
    clearInterval(tickers);
    await this.terminate();

    if (!setupFailed && typeof vu0.exports.teardown === 'function') {
      const data = setupJson === undefined ? undefined : JSON.parse(setupJson);
      code ||= await this.runLifecycle(vu0, 'teardown', data, options.teardownTimeoutMs, '::teardown', () => {});
    }
    const durationMs = now() - this.testStart;

    const failed = this.a.noThresholds
      ? []
      : this.agg.evaluate(durationMs / 1000, true, (t, s) => holds(t, s, durationMs / 1000));
    for (const f of failed) this.log('error', `thresholds on metrics '${f.key}' have been crossed`);
    const data = summaryData(this.agg, {
      trendStats: options.summaryTrendStats,
      timeUnit: options.summaryTimeUnit,
      durationMs,
      setupData: setupData === undefined ? undefined : JSON.parse(setupJson!),
    });
    if (this.a.summaryExport) {
      try {
        writeAtomic(this.a.summaryExport, JSON.stringify(summaryExport(data), null, 4));
      } catch (e) {
        this.log('error', `could not write the summary export: ${(e as Error).message}`);
      }
    }
    await this.handleSummary(vu0, data);
    await this.agg.out?.close();

    if (this.abortCode !== null) return this.abortCode;
    if (code) return code;
    if (this.failedByScript) return EXIT.failed;
    if (failed.length) return EXIT.thresholds;
    return EXIT.ok;
  }

  /** setup or teardown on the main VU; 0, or the exit code of its failure. */
  private async runLifecycle(
    vu: VU,
    name: 'setup' | 'teardown',
    arg: unknown,
    timeoutMs: number,
    group: string,
    take: (v: unknown) => void,
  ): Promise<number> {
    if (typeof vu.exports[name] !== 'function') return 0;
    vu.groupPath = group;
    try {
      const { value } = await this.lifecycle(vu, name, arg, timeoutMs);
      take(value);
      if (name === 'setup' && value !== undefined) JSON.stringify(value);
      return 0;
    } catch (e) {
      if (e instanceof AbortRun) return 0; // the abort already set the exit code
      this.log('error', e instanceof Error ? (e.stack ?? e.message) : String(e), {
        hint: `script exception in ${name}`,
      });
      if ((e as { timeout?: boolean }).timeout) return name === 'setup' ? EXIT.setupTimeout : EXIT.teardownTimeout;
      return EXIT.script;
    } finally {
      vu.emitData();
      vu.groupPath = '';
    }
  }

  private async handleSummary(vu: VU, data: ReturnType<typeof summaryData>) {
    let outputs: Record<string, unknown> | null = null;
    if (typeof vu.exports.handleSummary === 'function') {
      try {
        const { value } = await this.lifecycle(vu, 'handleSummary', data, 120_000);
        outputs = (value ?? null) as Record<string, unknown> | null;
      } catch (e) {
        this.log('error', `handleSummary failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    if (!outputs) {
      if (!this.a.quiet || typeof vu.exports.handleSummary !== 'function') process.stdout.write(textSummary(data));
      return;
    }
    for (const [key, v] of Object.entries(outputs)) {
      const bytes = typeof v === 'string' ? v : v instanceof ArrayBuffer ? new Uint8Array(v) : String(v);
      if (key === 'stdout') process.stdout.write(bytes);
      else if (key === 'stderr') process.stderr.write(bytes);
      else
        try {
          writeAtomic(key, bytes);
        } catch (e) {
          this.log('error', `could not write ${key}: ${(e as Error).message}`);
        }
    }
  }

  private startWorkers(loaded: LoadedScript, scriptOptions: unknown): Promise<string | null> {
    const n = Math.max(1, this.a.workers);
    const url = new URL('./worker.js', import.meta.url);
    const iterations = new SharedArrayBuffer(4 * this.options!.scenarios.length);
    return new Promise((resolve) => {
      let ready = 0;
      for (let w = 0; w < n; w++) {
        const init: WorkerInit = {
          bundleUrl: loaded.url,
          scriptDir: loaded.dir,
          env: this.a.env,
          scriptOptions,
          overrides: this.a.overrides,
          segment: this.a.segment,
          sequence: this.a.sequence,
          worker: w,
          workers: n,
          ca: trustedRoots(this.a.env),
          iterations,
          logJson: this.a.logJson,
          testStart: now(),
        };
        const worker = new Worker(url, { workerData: init, stdout: false, stderr: false });
        this.workers.push(worker);
        worker.on('message', (m: FromWorker) => {
          this.onMessage(worker, m);
          if (m.type === 'ready' && ++ready === n) resolve(null);
          if (m.type === 'failed' && ready < n) resolve(m.message);
        });
        worker.on('error', (e) => resolve(e.stack ?? e.message));
      }
    });
  }

  private onMessage(w: Worker, m: FromWorker) {
    switch (m.type) {
      case 'batch':
        this.agg.ingest(m.batch);
        this.counters.set(w, m.counters);
        for (const l of m.logs) process.stderr.write(l + '\n');
        break;
      case 'abort':
        this.abort(EXIT.aborted, `test aborted${m.reason ? ': ' + m.reason : ''}`);
        break;
      case 'fail':
        this.failedByScript = true;
        if (m.reason) this.log('error', `test marked as failed: ${m.reason}`);
        break;
      case 'failed':
        this.log('error', m.message);
        break;
    }
  }

  private runWorkers(setupJson: string | undefined): Promise<void> {
    const startAt = now() + 20;
    return new Promise((resolve) => {
      let done = 0;
      for (const w of this.workers) {
        const finish = () => {
          if (++done === this.workers.length) resolve();
        };
        w.on('message', (m: FromWorker) => (m.type === 'done' || m.type === 'failed') && finish());
        w.on('exit', finish);
        w.postMessage({ type: 'start', startAt, setupJson } satisfies ToWorker);
      }
    });
  }

  private async terminate() {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }

  private totals(): InstanceCounters {
    const t = { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0 };
    for (const c of this.counters.values()) {
      t.iterationsCompleted += c.iterationsCompleted;
      t.iterationsInterrupted += c.iterationsInterrupted;
      t.vusActive += c.vusActive;
      t.vusInitialized += c.vusInitialized;
    }
    return t;
  }

  /** vus and vus_max every second; thresholds (abortOnFail) every 2 s; a progress line now and then. */
  private startTickers(): NodeJS.Timeout {
    let tick = 0;
    const runTags = this.options!.tags;
    return setInterval(() => {
      tick++;
      const t = this.totals();
      const time = now();
      this.agg.push('vus', runTags, t.vusActive, time);
      this.agg.push('vus_max', runTags, t.vusInitialized, time);
      if (tick % 2) return;
      const elapsedS = (time - this.testStart) / 1000;
      if (!this.a.noThresholds && this.abortCode === null) {
        const failed = this.agg.evaluate(elapsedS, false, (th, s) => holds(th, s, elapsedS));
        for (const set of failed)
          for (const th of set.list)
            if (!th.ok && th.abortOnFail && time - this.testStart >= th.delayAbortEvalMs)
              return this.abort(
                EXIT.thresholds,
                `thresholds on metrics '${set.key}' were crossed; abortOnFail stops the test`,
              );
      }
      if (!this.a.quiet)
        process.stderr.write(
          `running (${elapsedS.toFixed(1)}s), ${t.vusActive}/${t.vusInitialized} VUs, ` +
            `${t.iterationsCompleted} complete and ${t.iterationsInterrupted} interrupted iterations\n`,
        );
    }, 1000);
  }
}

export function defaultWorkers(): number {
  return Math.max(1, cpus().length);
}

export function run(a: RunArgs): Promise<number> {
  return new Run(a).execute();
}
