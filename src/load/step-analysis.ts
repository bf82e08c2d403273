// A progressive cutover's table, from what the load recorded: each step from its procedure's start to the
// next step's, per host (the front's x-served-by), with reads placed in or out of the procedures' windows.
// Pure: the runner hands it the samples, the events and the steps as they ran.
import { Histogram } from '../util/histogram.js';
import type { StateReadEvent, WriteEvent } from '../contracts/events.js';
import type { CutoverStep, HostFigures } from '../contracts/results.js';
import type { Step } from './steps.js';

/** One response: its span, outcome and the host that served it ("-" when the front does not say). */
export interface HostSample {
  start: number;
  end: number;
  ok: boolean;
  ms: number;
  host: string;
}

/** A step as it ran: its procedure's span and exit. */
export interface StepRun {
  step: Step;
  start: number;
  end: number;
  exit: number;
  output: string;
}

/** A procedure's window: its start to its end, at least one second (as the single switch's). */
export const windowOf = (r: { start: number; end: number }): [number, number] => [
  r.start,
  Math.max(r.end, r.start + 1000),
];

/** The longest run of consecutive failures among `samples` (in start order), first start to last end, in s. */
export function longestFailure(samples: HostSample[]): number {
  let longest = 0;
  let runStart = -1;
  let runEnd = 0;
  for (const s of samples) {
    if (s.ok) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) [runStart, runEnd] = [s.start, s.end];
    runEnd = Math.max(runEnd, s.end);
    longest = Math.max(longest, (runEnd - runStart) / 1000);
  }
  return longest;
}

/** Per host: requests, errors, p99 and longest failure run. */
export function perHost(samples: HostSample[]): Record<string, HostFigures> {
  const groups = new Map<string, HostSample[]>();
  for (const s of samples) {
    if (!groups.has(s.host)) groups.set(s.host, []);
    groups.get(s.host)!.push(s);
  }
  const out: Record<string, HostFigures> = {};
  for (const [host, g] of [...groups].sort((a, b) => a[0].localeCompare(b[0]))) {
    const h = new Histogram();
    for (const s of g) h.add(s.ms);
    out[host] = {
      requests: g.length,
      errors: g.filter((s) => !s.ok).length,
      p99_ms: Math.round(h.percentile(99)),
      longest_failure_s: longestFailure(g),
    };
  }
  return out;
}

/** A read that missed the last acknowledged version; a read-your-writes violation when it went through
 * another host than the one that acknowledged that version. */
export const isStale = (r: StateReadEvent) => r.got < r.expected;
export const isRyw = (r: StateReadEvent) =>
  isStale(r) && r.host !== undefined && r.wrote !== undefined && r.host !== r.wrote;

/** The table: a row for the load before the first step, then one per step. `lost` holds the keys found
 * missing at the end, counted in the step that acknowledged their last version. */
export function stepTable(
  loadStarted: number,
  runs: StepRun[],
  samples: HostSample[],
  writes: WriteEvent[],
  reads: StateReadEvent[],
  lost: Set<string>,
): CutoverStep[] {
  const windows = runs.map(windowOf);
  const inWindow = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const bounds = [loadStarted, ...runs.map((r) => r.start), Infinity];
  const last = new Map<string, WriteEvent>();
  for (const w of writes) if ((last.get(w.key)?.version ?? -1) <= (w.version ?? 0)) last.set(w.key, w);
  const lostWrites = [...last.values()].filter((w) => lost.has(w.key));
  return bounds.slice(0, -1).map((from, i): CutoverStep => {
    const to = bounds[i + 1];
    const during = <T>(xs: T[], t: (x: T) => number) => xs.filter((x) => t(x) >= from && t(x) < to);
    // The first row also takes what started a little before the load's own clock said it did.
    const mine = i === 0 ? samples.filter((s) => s.start < to) : during(samples, (s) => s.start);
    const myReads = i === 0 ? reads.filter((r) => r.start < to) : during(reads, (r) => r.start);
    const [wReads, oReads] = [myReads.filter((r) => inWindow(r.start)), myReads.filter((r) => !inWindow(r.start))];
    const wSamples = mine.filter((s) => inWindow(s.start));
    const run = runs[i - 1];
    return {
      index: i,
      kind: run ? run.step.kind : 'before',
      percent: run ? run.step.percent : 0,
      tenant: run ? run.step.tenant : null,
      procedure: run ? { start: run.start, end: run.end, exit: run.exit } : null,
      start: from,
      end: Number.isFinite(to) ? to : Math.max(from, ...mine.map((s) => s.end)),
      requests: mine.length,
      errors: mine.filter((s) => !s.ok).length,
      hosts: perHost(mine),
      window: {
        requests: wSamples.length,
        errors: wSamples.filter((s) => !s.ok).length,
        stale_reads: wReads.filter(isStale).length,
        ryw_violations: wReads.filter(isRyw).length,
      },
      stale_reads: oReads.filter(isStale).length,
      ryw_violations: oReads.filter(isRyw).length,
      acknowledged_writes: (i === 0 ? writes.filter((w) => w.t < to) : during(writes, (w) => w.t)).length,
      lost_writes: (i === 0 ? lostWrites.filter((w) => w.t < to) : during(lostWrites, (w) => w.t)).length,
    };
  });
}
