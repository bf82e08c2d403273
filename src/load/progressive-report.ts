// A progressive cutover's figures for cutover.json and its text: the per-step table, per-host failure
// runs, read-your-writes violations and, after a rollback, the new host's writes the old one lacks.
import type { HostProfile } from '../hosts/profile.js';
import type { StateReadEvent, WriteEvent } from '../contracts/events.js';
import type { CutoverReport, CutoverStep } from '../contracts/results.js';
import { readSamples } from './evidence.js';
import { longestFailure, perHost, stepTable, type StepRun } from './step-analysis.js';
import type { Step, StepPlan } from './steps.js';

/** The front's name for the new host in x-served-by (the lab's HAProxy server name). */
export const NEW_HOST = 'target';

export interface Progress {
  plan: StepPlan;
  runs: StepRun[];
  /** Where every write must be at the end: the new host, or the old one after a rollback. */
  finalHost: HostProfile;
}

export const stepName = (s: Step | StepRun | CutoverStep): string => {
  const x = 'step' in s ? s.step : s;
  return x.kind === 'rollback' ? 'rollback' : x.tenant ? `tenant ${x.tenant}` : `${x.percent}%`;
};

export async function progressiveFigures(
  samplesPath: string,
  p: Progress,
  loadStarted: number,
  writes: WriteEvent[],
  reads: StateReadEvent[],
  lost: WriteEvent[],
): Promise<NonNullable<CutoverReport['progressive']>> {
  const samples = await readSamples(samplesPath, true);
  const steps = stepTable(loadStarted, p.runs, samples, writes, reads, new Set(lost.map((w) => w.key)));
  const byHost = perHost(samples);
  const sum = (f: (s: CutoverStep) => number) => steps.reduce((n, s) => n + f(s), 0);
  const rollback = p.plan.steps.some((s) => s.kind === 'rollback');
  return {
    mode: p.plan.mode,
    step_every_s: p.plan.every,
    steps,
    ryw_violations: sum((s) => s.ryw_violations),
    window_ryw_violations: sum((s) => s.window.ryw_violations),
    window_stale_reads: sum((s) => s.window.stale_reads),
    longest_failure_by_host: Object.fromEntries(
      Object.keys(byHost).map((h) => [h, longestFailure(samples.filter((s) => s.host === h))]),
    ),
    // Writes whose last version the new host acknowledged and the old one lacks at the end.
    rollback_lost_writes: rollback
      ? lost
          .filter((w) => w.host === NEW_HOST)
          .map((w) => w.key)
          .sort()
      : null,
  };
}

/** The table as text, after the single switch's lines (which then sum over all steps' windows). */
export function describeSteps(r: CutoverReport): string[] {
  const p = r.progressive!;
  const rel = (t: number) => ((t - r.load_started) / 1000).toFixed(1);
  const rows = p.steps.map((s) => {
    const hosts = Object.entries(s.hosts)
      .map(([h, f]) => {
        const run = f.longest_failure_s.toFixed(2);
        return `${h} ${f.requests} req ${f.errors} err p99 ${f.p99_ms} ms longest failure ${run} s`;
      })
      .join('; ');
    const head = s.procedure
      ? `step ${s.index} (${stepName(s)}) from ${rel(s.start)} s, procedure ${rel(s.procedure.start)}–` +
        `${rel(s.procedure.end)} s exit ${s.procedure.exit}`
      : `before the first step`;
    return (
      `  ${head}: ${s.requests} requests, ${s.errors} errors [${hosts || 'no request'}]; ` +
      `stale reads ${s.stale_reads} (+${s.window.stale_reads} in the window), ` +
      `read-your-writes violations ${s.ryw_violations} (+${s.window.ryw_violations} in the window), ` +
      `writes ${s.acknowledged_writes}, lost ${s.lost_writes}`
    );
  });
  const longest = Object.entries(p.longest_failure_by_host)
    .map(([h, s]) => `${h} ${s.toFixed(2)} s`)
    .join(', ');
  return [
    `progressive cutover by ${p.mode === 'percent' ? 'share of traffic' : 'tenant'}, ` +
      `a step every ${p.step_every_s} s; ` +
      'each row runs from its procedure’s start to the next step’s. Reads during a procedure are in its window: ' +
      'counted apart, not judged; stale reads and read-your-writes violations (a read through one host missing the ' +
      'write the client made through the other) are judged outside the windows; lost writes are counted in the ' +
      'step that acknowledged them; the switch window figures above sum all the steps’ windows.',
    ...rows,
    `read-your-writes violations: ${p.ryw_violations} (+${p.window_ryw_violations} in the windows)`,
    `longest failure run per host: ${longest || 'none'}`,
    ...(p.rollback_lost_writes
      ? [`writes the new host acknowledged and the old one lacks after the rollback: ${p.rollback_lost_writes.length}`]
      : []),
  ];
}
