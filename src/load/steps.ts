// A progressive cutover's plan, from the command line: the share of traffic each step gives the new host
// (--steps) or the tenants it moves one by one (--tenants), every --step-every, and the step where traffic
// goes back (--rollback-at). Pure: bad input is a UsageError naming it, before any load is sent.
import { UsageError } from '../util/errors.js';

/** One step: the new host's share of traffic after it (percent mode), the tenant it moves (tenant mode),
 * or the move back to the old host. `at` is seconds after the load starts. */
export interface Step {
  index: number;
  at: number;
  kind: 'percent' | 'tenant' | 'rollback';
  /** The new host's share after the step, 0..100 (percent mode and rollbacks). */
  percent: number | null;
  tenant: string | null;
}

export interface StepPlan {
  mode: 'percent' | 'tenant';
  every: number;
  steps: Step[];
  /** Seconds of load: every step gets its --step-every, the last one too. */
  duration: number;
}

/** "10%,50%,100%" → [10, 50, 100]: increasing whole percentages, the last one 100. */
export function parseSteps(s: string): number[] {
  const parts = s.split(',').map((p) => p.trim());
  const out = parts.map((p) => {
    const m = /^(\d{1,3})%?$/.exec(p);
    const n = m ? Number(m[1]) : NaN;
    if (!(n >= 1 && n <= 100))
      throw new UsageError(`--steps must be percentages such as 10%,50%,100%, got "${p}" in "${s}"`);
    return n;
  });
  for (let i = 1; i < out.length; i++)
    if (out[i] <= out[i - 1]) throw new UsageError(`--steps must increase: ${out[i]}% follows ${out[i - 1]}%`);
  if (out[out.length - 1] !== 100) throw new UsageError(`--steps must end at 100%, got "${s}"`);
  return out;
}

/** "ER_PRS_F,ER_PHA_F" → tenant prefixes, without slashes at either end, each once. */
export function parseTenants(s: string): string[] {
  const out = s.split(',').map((t) => t.trim().replace(/^\/+|\/+$/g, ''));
  if (out.some((t) => !t || /[\s%]/.test(t)))
    throw new UsageError(`--tenants must be prefixes such as A,B,C, got "${s}"`);
  const twice = out.find((t, i) => out.indexOf(t) !== i);
  if (twice) throw new UsageError(`--tenants names ${twice} twice`);
  return out;
}

export interface PlanInput {
  steps?: string;
  tenants?: string;
  stepEvery: number;
  /** Given --duration in seconds, or undefined to fit the steps. */
  duration?: number;
  at?: number;
  rollbackAt?: number;
}

export function planSteps(o: PlanInput): StepPlan {
  if (o.steps !== undefined && o.tenants !== undefined)
    throw new UsageError('--steps and --tenants exclude each other: move a share of traffic or tenants, not both');
  if (o.at !== undefined)
    throw new UsageError(
      `--at is the single switch's time; with --${o.steps !== undefined ? 'steps' : 'tenants'} use --step-every`,
    );
  if (!(o.stepEvery > 0)) throw new UsageError('--step-every must be a positive duration such as 60s');
  const mode = o.steps !== undefined ? 'percent' : 'tenant';
  const forward: Omit<Step, 'index' | 'at'>[] =
    mode === 'percent'
      ? parseSteps(o.steps!).map((percent) => ({ kind: 'percent', percent, tenant: null }))
      : parseTenants(o.tenants!).map((tenant) => ({ kind: 'tenant', percent: null, tenant }));
  let planned = forward;
  if (o.rollbackAt !== undefined) {
    const k = o.rollbackAt;
    if (!Number.isInteger(k) || k < 2 || k > forward.length)
      throw new UsageError(
        `--rollback-at must be a step number from 2 to ${forward.length} (step 1 has nothing to roll back), got ${k}`,
      );
    // Steps before K move forward; step K moves everything back, and the run ends after it.
    planned = [...forward.slice(0, k - 1), { kind: 'rollback', percent: 0, tenant: null }];
  }
  const steps = planned.map((s, i) => ({ ...s, index: i + 1, at: (i + 1) * o.stepEvery }));
  const needed = (steps.length + 1) * o.stepEvery;
  if (o.duration !== undefined && o.duration < needed)
    throw new UsageError(
      `--duration ${o.duration}s is too short for ${steps.length} steps every ${o.stepEvery}s: ` +
        `give at least ${needed}s (each step gets its interval, the last one too), or leave it out`,
    );
  return { mode, every: o.stepEvery, steps, duration: o.duration ?? needed };
}

/** HAProxy weights (0..100) of the old and new host for the new host's share. */
export const weights = (percent: number): { source: number; target: number } => ({
  source: 100 - percent,
  target: percent,
});
