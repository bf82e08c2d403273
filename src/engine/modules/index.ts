// The k6 modules one VU sees: each bound to that VU (its tags, its pool, its counters), built when the VU
// is created and handed to its instance of the script through the bundle's virtual modules.
import { basename, isAbsolute, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { cryptoModule } from './crypto.js';
import { encodingModule } from './encoding.js';
import { CookieJar } from '../cookies.js';
import { expectedStatuses, templateUrl, type Params, type ResponseCallback, type TemplateUrl } from '../http.js';
import { METRIC_NAME, type MetricDef, type MetricType, type Tags } from '../metrics.js';
import { AbortRun, now } from '../vu-context.js';
import type { VuApi as VU } from '../vu-api.js';

const blocking = (name: string, hint: string) => () => {
  throw new Error(`${name} is a blocking call this engine does not serve: ${hint}`);
};
const ASYNC_HTTP = 'use `await http.asyncRequest(method, url, body, params)` instead';

function k6Module(vu: VU) {
  const sink = vu.shared.sink;
  return {
    check(value: unknown, sets: Record<string, unknown>, tags?: Tags): boolean {
      if (vu.initPhase) throw new Error('check() can be used only in VU code');
      let all = true;
      for (const name of Object.keys(sets)) {
        const c = sets[name];
        let r: unknown = c;
        if (typeof c === 'function') {
          if (c.constructor?.name === 'AsyncFunction') throw new Error('check() does not support async functions');
          r = (c as (v: unknown) => unknown)(value);
          if (r instanceof Promise) throw new Error('check() does not support promises');
        }
        const ok = Boolean(r);
        all &&= ok;
        sink.push('checks', { ...vu.tags(), ...tags, check: name }, ok ? 1 : 0, now());
      }
      return all;
    },
    group<T>(name: string, fn: () => T): T {
      if (vu.initPhase) throw new Error('group() can be used only in VU code');
      if (name.includes('::')) throw new Error('group and check names may not contain "::"');
      if (fn.constructor?.name === 'AsyncFunction') throw new Error('group() does not support async functions');
      const parent = vu.groupPath;
      vu.groupPath = `${parent}::${name}`;
      const start = now();
      try {
        const r = fn();
        if (r instanceof Promise) throw new Error('group() does not support async functions');
        return r;
      } finally {
        const end = now();
        sink.push('group_duration', vu.tags(), end - start, end);
        vu.groupPath = parent;
      }
    },
    fail(msg?: string): never {
      throw new Error(msg ?? '');
    },
    randomSeed(seed: number) {
      // A seeded sfc32 in place of Math.random for this VU (the bundle reads Math.random through the context).
      let a = 0x9e3779b9,
        b = 0x243f6a88,
        c = 0xb7e15162,
        d = seed >>> 0;
      vu.ctx.random = () => {
        a >>>= 0;
        b >>>= 0;
        c >>>= 0;
        d >>>= 0;
        const t = (((a + b) | 0) + d) | 0;
        d = (d + 1) | 0;
        a = b ^ (b >>> 9);
        b = (c + (c << 3)) | 0;
        c = (c << 21) | (c >>> 11);
        c = (c + t) | 0;
        return (t >>> 0) / 4294967296;
      };
    },
    sleep: blocking('sleep', 'await a timer instead (setTimeout from k6/timers)'),
  };
}

function httpModule(vu: VU) {
  const request = (method: string, url: string | TemplateUrl, body?: unknown, params?: Params | null) =>
    vu.http.request(method.toUpperCase(), url, body, params);
  const m: Record<string, unknown> = {
    asyncRequest: request,
    setResponseCallback: (cb: ResponseCallback | null) => (vu.http.responseCallback = cb),
    expectedStatuses,
    url: templateUrl,
    file: (data: unknown, filename?: string, contentType?: string) => ({ data, filename, content_type: contentType }),
    cookieJar: () => vu.http.jar,
    CookieJar,
  };
  for (const n of ['request', 'get', 'post', 'put', 'del', 'patch', 'head', 'options', 'batch'])
    m[n] = blocking(`http.${n}`, ASYNC_HTTP);
  return m;
}

function executionModule(vu: VU) {
  const inVU = () => {
    if (vu.initPhase) throw new Error('exec.vu and exec.scenario fields are not available in the init context');
  };
  const sc = () => {
    inVU();
    if (!vu.scenario) throw new Error('no scenario is running (setup or teardown)');
    return vu.scenario;
  };
  const shared = vu.shared;
  return {
    vu: {
      get idInInstance() {
        inVU();
        return vu.id;
      },
      get idInTest() {
        inVU();
        return vu.idInTest;
      },
      get iterationInInstance() {
        inVU();
        return vu.iter;
      },
      get iterationInScenario() {
        inVU();
        return vu.iterInScenario;
      },
      metrics: { tags: vu.userTags, metadata: vu.metadata },
      get tags() {
        return vu.userTags;
      },
    },
    scenario: {
      get name() {
        return sc().scenario.name;
      },
      get executor() {
        return sc().scenario.executor;
      },
      get startTime() {
        return Math.floor(sc().start);
      },
      get progress() {
        return sc().progress();
      },
      get iterationInInstance() {
        return sc().iterationInInstance;
      },
      get iterationInTest() {
        return sc().iterationInTest;
      },
    },
    instance: {
      get iterationsCompleted() {
        return shared.counters.iterationsCompleted;
      },
      get iterationsInterrupted() {
        return shared.counters.iterationsInterrupted;
      },
      get vusActive() {
        return shared.counters.vusActive;
      },
      get vusInitialized() {
        return shared.counters.vusInitialized;
      },
      get currentTestRunDuration() {
        return now() - shared.testStart;
      },
    },
    test: {
      abort(reason?: string): never {
        shared.abort(reason ?? '');
        vu.interrupt();
        throw new AbortRun(`test aborted${reason ? ': ' + reason : ''}`);
      },
      fail(reason?: string) {
        shared.fail(reason ?? '');
      },
      get options() {
        const o = { ...(shared.options?.raw ?? {}) };
        for (const k of ['vus', 'iterations', 'duration', 'stages']) delete o[k];
        return o;
      },
    },
  };
}

function metricsModule(vu: VU) {
  const make = (type: MetricType) =>
    class {
      readonly name: string;
      constructor(name: string, isTime = false) {
        if (!vu.initPhase) throw new Error('metrics must be declared in the init context');
        if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name "${name}"`);
        const known = vu.shared.metricDefs.get(name);
        if (known && known.type !== type) throw new Error(`metric "${name}" already exists as a ${known.type}`);
        if (!known) {
          const def: MetricDef = { name, type, contains: isTime ? 'time' : 'default' };
          vu.shared.metricDefs.set(name, def);
          vu.shared.sink.define(def);
        }
        this.name = name;
      }
      add(value: unknown, tags?: Tags): boolean {
        if (vu.initPhase) throw new Error('metrics can be added only in VU code');
        let v = typeof value === 'boolean' ? (value ? 1 : 0) : Number(value);
        if (value === null || value === undefined || Number.isNaN(v)) {
          if (vu.shared.options?.throw) throw new Error(`invalid value ${String(value)} for metric ${this.name}`);
          vu.shared.log('warning', `ignoring the invalid value ${String(value)} for metric ${this.name}`);
          return false;
        }
        if (value === true && v === 0) v = 1;
        vu.shared.sink.push(this.name, tags ? { ...vu.tags(), ...tags } : vu.tags(), v, now());
        return true;
      }
    };
  return { Counter: make('counter'), Gauge: make('gauge'), Rate: make('rate'), Trend: make('trend') };
}

/** A file of k6/experimental/fs: bytes shared by every VU of the thread, its own offset. */
class FsFile {
  private offset = 0;
  constructor(
    readonly path: string,
    private readonly bytes: Uint8Array,
  ) {}
  async read(into: Uint8Array): Promise<number | null> {
    const left = this.bytes.length - this.offset;
    if (left <= 0) return null;
    const n = Math.min(left, into.length);
    into.set(this.bytes.subarray(this.offset, this.offset + n));
    this.offset += n;
    return n;
  }
  async seek(offset: number, whence = 0): Promise<number> {
    if (whence === 0 && offset < 0) throw new TypeError('seek: negative offset from the start');
    if (whence === 2 && offset > 0) throw new TypeError('seek: positive offset from the end');
    const base = whence === 0 ? 0 : whence === 1 ? this.offset : this.bytes.length;
    this.offset = Math.max(0, base + offset);
    return this.offset;
  }
  async stat() {
    return { name: basename(this.path), size: this.bytes.length };
  }
}

function fsModule(vu: VU) {
  return {
    SeekMode: { Start: 0, Current: 1, End: 2 },
    open(path: string): Promise<FsFile> {
      if (!vu.initPhase) return Promise.reject(new Error('fs.open() can be used only in the init context'));
      const full = isAbsolute(path) ? path : resolve(vu.shared.scriptDir, path);
      let bytes = vu.shared.files.get(full);
      try {
        if (!bytes) vu.shared.files.set(full, (bytes = new Uint8Array(readFileSync(full))));
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve(new FsFile(full, bytes));
    },
  };
}

function dataModule(vu: VU) {
  return {
    SharedArray: function SharedArray(name: string, fn: () => unknown[]) {
      let a = vu.shared.sharedArrays.get(name);
      if (!a) {
        a = fn();
        if (!Array.isArray(a)) throw new Error('SharedArray: the function must return an array');
        a = Object.freeze(JSON.parse(JSON.stringify(a)) as unknown[]) as unknown[];
        vu.shared.sharedArrays.set(name, a);
      }
      return a;
    },
  };
}

export function makeModules(vu: VU, timers: Record<string, unknown>): Record<string, unknown> {
  const k6 = k6Module(vu);
  const exec = executionModule(vu);
  return {
    k6,
    'k6/http': httpModule(vu),
    'k6/crypto': cryptoModule(),
    'k6/encoding': encodingModule(),
    'k6/execution': exec,
    'k6/metrics': metricsModule(vu),
    'k6/experimental/fs': fsModule(vu),
    'k6/timers': timers,
    'k6/data': dataModule(vu),
  };
}
