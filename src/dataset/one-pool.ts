// A generation runs its DuckDB statements on one libuv worker thread, and its JavaScript in a bounded
// heap, unless the user's environment chose otherwise.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * DuckDB runs each statement on one of libuv's worker threads, and what a statement's thread
 * allocated stays with that thread's heap: with the pool's default four threads, four heaps each keep
 * the peak of a COPY (measured: 923 → 666 MB peak RSS, 130,000 × 2024 DCIR tables). libuv reads the
 * size when its pool starts, which loading the modules already did: a process must be started with it.
 */
export const ONE_POOL_THREAD = { UV_THREADPOOL_SIZE: process.env.UV_THREADPOOL_SIZE ?? '1' };

/**
 * V8 lets its heap grow with the limit it is given, and the default limit is a share of the machine's
 * memory (4 GiB here): the old generation then waits for about 120 MB of garbage before collecting. A
 * generation's live heap stays under 200 MB at any size (tried: a shard of 127 M beneficiaries), so a
 * 1 GiB limit costs no collection time and keeps the peak lower (measured: 670 → 554 MB peak RSS,
 * 62,500 beneficiaries × 2024, every table).
 */
const HEAP_LIMIT = '--max-old-space-size=1024';
const chosenHeap = () =>
  [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-old-space-size'));
/** Node's flags for a generating process. */
export const generationFlags = (): string[] => (chosenHeap() ? [] : [HEAP_LIMIT]);

const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Set in the child: the process that started it, whose end ends the child too. */
const PARENT = 'SNDSBENCH_POOL_PARENT';

/**
 * A parent killed outright (SIGKILL, the OOM killer) cannot pass it on: the child then kills itself
 * as abruptly, so that it never writes on behind a resume. A thread watches, since generating blocks
 * keeps the main thread busy for seconds at a time.
 */
function dieWithParent(parent: number): void {
  const watch = `setInterval(() => {
    if (process.ppid !== ${parent}) process.kill(process.pid, 'SIGKILL');
  }, 200);`;
  new Worker(watch, { eval: true }).unref();
}

/**
 * Unless the environment chose a pool size and a heap limit, runs this same command again in a child
 * with one pool thread and the heap limit (same arguments, stdio and signals) and resolves to the exit
 * code the caller should exit with; null when this process should do the work itself.
 */
export function inGenerationProcess(): Promise<number> | null {
  const parent = process.env[PARENT];
  if (parent !== undefined) {
    delete process.env[PARENT];
    dieWithParent(Number(parent));
  }
  if (process.env.UV_THREADPOOL_SIZE !== undefined && chosenHeap()) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...generationFlags(), ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, ...ONE_POOL_THREAD, [PARENT]: String(process.pid) },
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  for (const s of FORWARDED) process.on(s, forward);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}
