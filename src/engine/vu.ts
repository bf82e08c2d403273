// One virtual user: its own instance of the script's module (init code runs once per VU), its context
// (__VU, __ITER, __ENV, open, timers, console, the k6 modules), and its event loop's bookkeeping: an
// iteration ends when the exec function returned and no registered operation (request, timer, file read)
// is outstanding. Interrupting a VU drops its in-flight work; what was cut never settles.
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { renderArgs } from './log.js';
import type { ScenarioState } from './scenario-state.js';
import type { VuApi } from './vu-api.js';
import { AbortRun, now, type Shared } from './vu-context.js';
import type { Tags } from './metrics.js';
import { makeModules } from './modules/index.js';
import { HttpClient } from './http.js';

/** What a bundle's default export is: one VU's instance of the script, made from the VU's context. */
type Instance = (ctx: Record<string, unknown>) => Promise<Record<string, unknown>>;

export type { ScenarioState };

export class VU implements VuApi {
  /** The module's exports, once init ran. */
  exports: Record<string, unknown> = {};
  initPhase = true;
  /** __ITER: the VU's iterations so far, across scenarios. */
  iter = 0;
  iterInScenario = 0;
  scenario: ScenarioState | null = null;
  groupPath = '';
  /** exec.vu.metrics.tags / metadata: persist across iterations. */
  readonly userTags: Tags = {};
  readonly metadata: Record<string, string> = {};
  readonly http: HttpClient;
  /** Setup's data, parsed once for this VU on its first iteration. */
  private data: unknown = undefined;
  private dataParsed = false;

  // Event loop bookkeeping.
  private pending = 0;
  private gen = 0;
  private idleResolve: ((done: boolean) => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  readonly ctx: Record<string, unknown>;

  constructor(
    readonly shared: Shared,
    readonly id: number,
    readonly idInTest: number,
  ) {
    this.http = new HttpClient(this);
    const timers = this.makeTimers();
    this.ctx = {
      env: shared.env,
      vu: id,
      iter: 0,
      random: Math.random,
      open: (p: string, mode?: string) => this.open(p, mode),
      console: this.makeConsole(),
      timers,
      modules: makeModules(this, timers),
    };
  }

  /** Makes this VU's instance of the script: its init code runs now. The bundle is imported once per
   * thread (the module cache), so every VU runs the same compiled code. */
  async init(bundleUrl: string): Promise<void> {
    const instance = ((await import(bundleUrl)) as { default: Instance }).default;
    this.exports = await instance(this.ctx);
    this.initPhase = false;
  }

  /** Tags of a sample from this VU now: run tags, the scenario's, its own, the group. */
  tags(): Tags {
    const sc = this.scenario?.scenario;
    const t: Tags = { ...this.shared.options?.tags };
    if (sc) {
      Object.assign(t, sc.tags);
      t.scenario = sc.name;
    }
    Object.assign(t, this.userTags);
    t.group = this.groupPath;
    return t;
  }

  setupData(json: string | undefined): unknown {
    if (!this.dataParsed) {
      this.data = json === undefined ? undefined : JSON.parse(json);
      this.dataParsed = true;
    }
    return this.data;
  }

  activate(s: ScenarioState) {
    this.scenario = s;
    this.iterInScenario = 0;
    this.ctx.env = Object.keys(s.scenario.env).length ? { ...this.shared.env, ...s.scenario.env } : this.shared.env;
  }

  // ---- event loop ----

  /** Registers an operation the iteration must wait for; returns the VU's generation to check at its end. */
  begin(): number {
    this.pending++;
    return this.gen;
  }

  /** Ends an operation; false when the VU was interrupted since (the result must be dropped). */
  end(gen: number): boolean {
    if (gen !== this.gen) return false;
    if (--this.pending === 0 && this.idleResolve) setImmediate(this.checkIdle);
    return true;
  }

  live(gen: number) {
    return gen === this.gen;
  }

  private readonly checkIdle = () => {
    if (this.pending === 0 && this.idleResolve) {
      const r = this.idleResolve;
      this.idleResolve = null;
      r(true);
    }
  };

  /** Runs `fn(arg)` as an iteration's first task; true when it completed, false when interrupted. */
  run(fn: (arg: unknown) => unknown, arg: unknown, what: string): Promise<boolean> {
    const done = new Promise<boolean>((r) => (this.idleResolve = r));
    try {
      const r = fn(arg) as Promise<unknown> | undefined;
      if (r && typeof r.then === 'function') r.then(undefined, (e: unknown) => this.uncaught(e, true, what));
    } catch (e) {
      this.uncaught(e, false, what);
    }
    setImmediate(this.checkIdle);
    return done;
  }

  uncaught(e: unknown, promise: boolean, what: string) {
    if (e instanceof AbortRun) return;
    if (!this.idleResolve && what === 'iteration') return; // an interrupted iteration's errors are not logged
    const text = e instanceof Error ? (e.stack ?? e.message) : String(e);
    const fields: Record<string, string> = { source: 'stacktrace' };
    if (this.scenario) {
      fields.executor = this.scenario.scenario.executor;
      fields.scenario = this.scenario.scenario.name;
    }
    this.shared.log('error', promise ? `Uncaught (in promise) ${text}` : text, fields);
  }

  /** Interrupts the running iteration: in-flight requests and timers are dropped. */
  interrupt() {
    this.gen++;
    this.pending = 0;
    this.http.dropInFlight();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const r = this.idleResolve;
    this.idleResolve = null;
    r?.(false);
  }

  // ---- context pieces ----

  private makeTimers() {
    const vu = this;
    const once = (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const gen = vu.begin();
      const t: NodeJS.Timeout = setTimeout(() => {
        vu.timers.delete(t);
        if (!vu.live(gen)) return;
        try {
          cb(...args);
        } catch (e) {
          vu.uncaught(e, false, 'timer');
        } finally {
          vu.end(gen);
        }
      }, ms ?? 0);
      vu.timers.add(t);
      return t;
    };
    const clear = (t: NodeJS.Timeout | undefined) => {
      if (t && vu.timers.delete(t)) {
        clearTimeout(t);
        vu.end(vu.gen);
      }
    };
    const every = (cb: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
      const gen = vu.begin();
      const t: NodeJS.Timeout = setInterval(() => {
        if (!vu.live(gen)) return;
        try {
          cb(...args);
        } catch (e) {
          vu.uncaught(e, false, 'timer');
        }
      }, ms ?? 0);
      vu.timers.add(t);
      return t;
    };
    return { setTimeout: once, clearTimeout: clear, setInterval: every, clearInterval: clear };
  }

  private makeConsole() {
    const say =
      (level: 'info' | 'warning' | 'error' | 'debug') =>
      (...args: unknown[]) =>
        this.shared.log(level, renderArgs(args), { source: 'console' });
    return { log: say('info'), info: say('info'), warn: say('warning'), error: say('error'), debug: say('debug') };
  }

  /** open(): init context only; relative to the entry script's directory. */
  private open(path: string, mode?: string): string | ArrayBuffer {
    if (!this.initPhase) throw new Error('open() can be used only in the init context');
    const p = path.replace(/^file:\/\//, '');
    const full = isAbsolute(p) ? p : resolve(this.shared.scriptDir, p);
    if (statSync(full).isDirectory()) throw new Error(`open: ${path} is a directory`);
    const buf = readFileSync(full);
    if (mode === 'b') return buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
    return buf.toString('utf8');
  }

  /** Bytes this VU's connections moved since the last call (data_sent, data_received). */
  emitData(time = now()) {
    const { sent, received } = this.http.takeBytes();
    if (!this.scenario && sent === 0 && received === 0) return; // setup or teardown without a request
    this.shared.sink.pushMany(['data_sent', 'data_received'], this.tags(), [sent, received], time);
  }

  setIter(n: number) {
    this.iter = n;
    this.ctx.iter = n;
  }
}
