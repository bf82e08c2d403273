// What every VU of a thread shares: the environment, the consolidated options, where samples and log lines
// go, the trust roots, the file cache, the instance's counters, and how to abort or fail the run.
import type { Level, LogFields } from './log.js';
import type { MetricDef } from './metrics.js';
import type { Options } from './options.js';
import type { SampleSink } from './samples.js';

export interface InstanceCounters {
  iterationsCompleted: number;
  iterationsInterrupted: number;
  vusActive: number;
  vusInitialized: number;
}

export interface Shared {
  env: Record<string, string>;
  /** Null during the options pass (the script's options are not known yet). */
  options: Options | null;
  sink: SampleSink;
  log(level: Level, msg: string, fields?: LogFields): void;
  /** Trusted roots from SSL_CERT_FILE / SSL_CERT_DIR, or undefined for Node's defaults. */
  ca: string[] | undefined;
  scriptDir: string;
  files: Map<string, Uint8Array>;
  sharedArrays: Map<string, unknown[]>;
  metricDefs: Map<string, MetricDef>;
  counters: InstanceCounters;
  /** Epoch ms when the test run started (before setup). */
  testStart: number;
  abort(reason: string): void;
  fail(reason: string): void;
}

// performance.timeOrigin of a worker thread is not the main thread's wall clock: each thread anchors its
// monotonic clock to Date.now() once, so every thread reads the same epoch to about a millisecond.
const anchor = Date.now() - performance.now();

/** Epoch milliseconds with sub-millisecond precision, on a clock shared by every thread. */
export const now = () => anchor + performance.now();

/** The epoch time of a performance.now() reading. */
export const epochOf = (perf: number) => anchor + perf;

/** Thrown into script code by exec.test.abort(): ends what the VU was doing. */
export class AbortRun extends Error {}
