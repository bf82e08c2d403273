// The messages between the main thread and its worker threads.
import type { Batch } from './samples.js';
import type { InstanceCounters } from './vu-context.js';

export interface WorkerInit {
  bundleUrl: string;
  scriptDir: string;
  env: Record<string, string>;
  /** The script's options (JSON-copied) and the command line's overrides. */
  scriptOptions: unknown;
  overrides: import('./options.js').Overrides;
  segment: [string, string] | null;
  sequence: string[] | null;
  worker: number;
  workers: number;
  ca: string[] | undefined;
  /** One Int32 per scenario: the process's next iteration index, shared by every thread. */
  iterations: SharedArrayBuffer;
  logJson: boolean;
  testStart: number;
}

export type ToWorker = { type: 'start'; startAt: number; setupJson: string | undefined } | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'batch'; batch: Batch; counters: InstanceCounters; logs: string[] }
  | { type: 'abort'; reason: string }
  | { type: 'fail'; reason: string }
  | { type: 'done' };
