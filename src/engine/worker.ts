// A worker thread: its share of the VUs (initialised up front), the executors for them, and a flush of
// its samples, counters and log lines to the main thread every second and at the end.
import { parentPort, workerData } from 'node:worker_threads';
import { trustContext } from './http.js';
import { formatLog } from './log.js';
import { consolidate } from './options.js';
import type { FromWorker, ToWorker, WorkerInit } from './protocol.js';
import { ThreadRunner } from './runner.js';
import { SampleBuffer } from './samples.js';
import { stripeOf, workerStripe } from './segments.js';
import type { Shared } from './vu-context.js';

const init = workerData as WorkerInit;
const port = parentPort!;
const post = (m: FromWorker) => port.postMessage(m);
const buffer = new SampleBuffer();
let logs: string[] = [];

const shared: Shared = {
  env: init.env,
  options: null,
  sink: buffer,
  log(level, msg, fields) {
    if (level === 'debug') return;
    logs.push(formatLog(init.logJson, level, msg, fields));
    if (logs.length === 1) setImmediate(flushLogs);
  },
  ca: init.ca,
  scriptDir: init.scriptDir,
  files: new Map(),
  sharedArrays: new Map(),
  metricDefs: new Map(),
  counters: { iterationsCompleted: 0, iterationsInterrupted: 0, vusActive: 0, vusInitialized: 0 },
  testStart: init.testStart,
  abort: (reason) => post({ type: 'abort', reason }),
  fail: (reason) => post({ type: 'fail', reason }),
};
if (init.ca) trustContext(init.ca);

function flushLogs() {
  if (logs.length) flush();
}

function flush() {
  const batch = buffer.take();
  // The series' arrays move to the main thread without a copy.
  const moved: ArrayBuffer[] = [];
  for (const s of batch.series)
    moved.push((s.times as Float64Array).buffer as ArrayBuffer, (s.values as Float64Array).buffer as ArrayBuffer);
  port.postMessage({ type: 'batch', batch, counters: { ...shared.counters }, logs } satisfies FromWorker, moved);
  logs = [];
}

async function main() {
  shared.options = consolidate(init.scriptOptions, init.overrides);
  const stripes = {
    proc: stripeOf(init.segment, init.sequence),
    thread: workerStripe(init.worker, init.workers),
    worker: init.worker,
    workers: init.workers,
    iterations: new Int32Array(init.iterations),
  };
  const runner = new ThreadRunner(shared, init.bundleUrl, shared.options.scenarios, stripes);
  await runner.init();
  const ticker = setInterval(flush, 1000);
  port.on('message', (m: ToWorker) => {
    if (m.type === 'stop') runner.stopAll();
    else
      runner.run(m.startAt, m.setupJson).then(
        () => {
          clearInterval(ticker);
          flush();
          post({ type: 'done' });
          // Keep-alive sockets would hold the thread: the main thread ends it.
        },
        (e: unknown) => post({ type: 'failed', message: (e as Error).stack ?? String(e) }),
      );
  });
  flush();
  post({ type: 'ready' });
}

// A promise the script rejected without a handler (fire-and-forget work) is logged, as k6 logs it, rather
// than ending the thread.
process.on('unhandledRejection', (e: unknown) =>
  shared.log('error', `Uncaught (in promise) ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
);

main().catch((e: unknown) => {
  flush();
  post({ type: 'failed', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
});
