// A generation runs its DuckDB statements on one libuv worker thread, whatever the user's environment.
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
 * Unless the environment chose a pool size, runs this same command again in a child with one pool
 * thread (same arguments, stdio and signals) and resolves to the exit code the caller should exit
 * with; null when this process has the right pool and should do the work itself.
 */
export function inOnePoolThread(): Promise<number> | null {
  const parent = process.env[PARENT];
  if (parent !== undefined) {
    delete process.env[PARENT];
    dieWithParent(Number(parent));
  }
  if (process.env.UV_THREADPOOL_SIZE !== undefined) return null;
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
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
