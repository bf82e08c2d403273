// A candidate's procedure (a shell command) or the lab's own, run as a process of its own: checked before
// any load, started in a process group of its own so that stopping it stops whatever it started too.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** The executable a procedure command starts, if it can be found (a missing one is an input error). */
export function checkProcedure(command: string): void {
  if (command === 'reference') return;
  const first = command.trim().split(/\s+/)[0];
  if (!first) throw new UsageError('--procedure is empty: give a command or "reference"');
  const found = first.includes('/')
    ? existsSync(first)
    : (process.env.PATH ?? '').split(':').some((d) => existsSync(join(d, first)));
  if (!found) throw new UsageError(`--procedure ${first}: no such command`);
}

/** What a stopped procedure left: its exit code (null when the stop signal ended it), whether it had
 * ended before it was stopped, and its output (stdout and stderr as they came, the last MiB). */
export interface Stopped {
  exit: number | null;
  exitedEarly: boolean;
  output: string;
}

export interface Running {
  stop(): Promise<Stopped>;
}

const KEEP = 2 ** 20;
/** After SIGTERM, how long the group has to end before SIGKILL. */
const GRACE_MS = 5000;

/** Starts `argv` (or `sh -c` with a command line) in a new process group, with `env` added to ours. */
export function startProcedure(argv: string[] | string, env: Record<string, string>): Running {
  const [file, args] = typeof argv === 'string' ? ['sh', ['-c', argv]] : [argv[0], argv.slice(1)];
  const child = spawn(file, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const add = (d: Buffer) => {
    output += d;
    if (output.length > 2 * KEEP) output = output.slice(-KEEP);
  };
  child.stdout.on('data', add);
  child.stderr.on('data', add);
  // 'exit' when the leader ends; 'close' once its output is complete, which waits for anything it started
  // that holds the same pipes.
  let exit: number | null | undefined;
  child.on('exit', (code) => (exit = code));
  const closed = new Promise<void>((resolve) => {
    child.on('error', (e) => {
      output += `${e.message}\n`;
      exit = 127;
      resolve();
    });
    child.on('close', () => resolve());
  });
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, s);
    } catch {
      // The group has already gone.
    }
  };
  return {
    async stop() {
      const exitedEarly = exit !== undefined;
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), GRACE_MS);
      await closed;
      clearTimeout(timer);
      // Whatever the group still holds and ignored SIGTERM goes too.
      signal('SIGKILL');
      return { exit: exit ?? null, exitedEarly, output: output.slice(-KEEP) };
    },
  };
}

/** Runs a one-shot command (a switch step) with `env` added to ours, to its end. */
export function runCommand(command: string, env: Record<string, string>): Promise<{ exit: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ exit: code ?? 1, output }));
  });
}
