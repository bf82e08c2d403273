// A progressive cutover's steps while the load runs: at each step's time, the reference procedure (delta
// sync of what the moving traffic touches, the routing change on the HAProxy front, delta sync again) or
// the candidate's command with the step in its environment. A rollback syncs the other way, copying back
// only what the new host changed, and routes everything to the old host again.
import type { HostProfile } from '../hosts/profile.js';
import { haproxySet } from '../hosts/haproxy.js';
import type { DeltaSync } from '../hosts/sync.js';
import { runCommand } from './procedure.js';
import { drain } from './switch.js';
import type { StepRun } from './step-analysis.js';
import { weights, type Step, type StepPlan } from './steps.js';

/** What the reference procedure moves: the syncs of the whole traffic (percent mode) or one tenant's. */
export interface Movers {
  /** Percent mode: the syncs of everything the load touches. */
  all: DeltaSync[];
  /** Tenant mode: the sync of a tenant's prefix (its objects and its writes). */
  tenant: (name: string) => DeltaSync;
  /** The front's map key of a tenant: the request path prefix its objects are under. */
  pathPrefix: (name: string) => string;
}

const report = (what: string, r: { objects: number; bytes: number; deleted: number }) =>
  `${what}: ${r.objects} objects, ${r.bytes} bytes, ${r.deleted} deleted`;

/** The reference procedure of one step on the lab's front. `moved` lists the tenants moved so far. */
async function referenceStep(front: HostProfile, step: Step, m: Movers, moved: string[]): Promise<string> {
  const h = front.haproxy!;
  const set = (command: string) => haproxySet(h.socket, command);
  const lines: string[] = [];
  if (step.kind === 'rollback') {
    const back = (moved.length ? moved.map(m.tenant) : m.all).map((s) => s.reverse());
    for (const s of back) lines.push(report('rollback sync (new → old, what the new host changed)', await s.run()));
    if (moved.length) {
      for (const t of moved) await set(`del map ${h.tenant_map} ${m.pathPrefix(t)}`);
    } else {
      // The old host's weight up first, then the new one's to nothing: clients only ever move back.
      await set(`set server ${h.backend}/source weight 100`);
      await set(`set server ${h.backend}/target weight 0`);
    }
    lines.push('routed everything back to the old host');
    await drain();
    for (const s of back) lines.push(report('post-rollback sync', await s.run({ keepTargetChanges: true })));
    return lines.join('\n');
  }
  const syncs = step.kind === 'tenant' ? [m.tenant(step.tenant!)] : m.all;
  // Clients an earlier step moved write the new host: a key the source changed after the last sync's
  // listing and a moved client rewrote since must keep the client's write, not the source's older copy
  // (seen when syncs are slow: a client moved before its last write to the old host was copied). Before
  // the first step nobody writes the new host, and the condition changes nothing.
  for (const s of syncs) lines.push(report('delta sync', await s.run({ keepTargetChanges: true })));
  if (step.kind === 'tenant') {
    await set(`add map ${h.tenant_map} ${m.pathPrefix(step.tenant!)} ${h.tenant_backend}`);
    lines.push(`routed ${m.pathPrefix(step.tenant!)} to ${h.tenant_backend}`);
  } else {
    // Under consistent hashing, raising the new host's weight before lowering the old one's only ever
    // moves clients to the new host: none goes back and forth within the step.
    const w = weights(step.percent!);
    await set(`set server ${h.backend}/target weight ${w.target}`);
    await set(`set server ${h.backend}/target state ready`);
    await set(`set server ${h.backend}/source weight ${w.source}`);
    lines.push(`weights: source ${w.source}, target ${w.target}`);
  }
  await drain();
  for (const s of syncs) lines.push(report('post-switch delta sync', await s.run({ keepTargetChanges: true })));
  return lines.join('\n');
}

/** A candidate's command: the step in its environment, with what the single switch gives it. */
function stepEnv(step: Step, plan: StepPlan, m: Movers, moved: string[]): Record<string, string> {
  return {
    SNDSBENCH_STEP: String(step.index),
    SNDSBENCH_STEPS: String(plan.steps.length),
    SNDSBENCH_STEP_KIND: step.kind,
    ...(step.percent !== null ? { SNDSBENCH_STEP_PERCENT: String(step.percent) } : {}),
    ...(step.tenant ? { SNDSBENCH_TENANT: step.tenant, SNDSBENCH_TENANT_PATH: m.pathPrefix(step.tenant) } : {}),
    ...(step.kind === 'rollback' && plan.mode === 'tenant'
      ? { SNDSBENCH_TENANTS: moved.join(','), SNDSBENCH_TENANT_PATHS: moved.map(m.pathPrefix).join(',') }
      : {}),
  };
}

/** Runs every step at its time after `loadStarted`; stops early if `stop` resolves (the load ended). */
export async function runSteps(
  plan: StepPlan,
  loadStarted: number,
  front: HostProfile,
  procedure: string,
  baseEnv: Record<string, string>,
  m: Movers,
  stop: Promise<unknown>,
): Promise<StepRun[]> {
  const runs: StepRun[] = [];
  const moved: string[] = [];
  let ended = false;
  void stop.then(() => (ended = true));
  for (const step of plan.steps) {
    await new Promise((r) => setTimeout(r, Math.max(0, loadStarted + step.at * 1000 - Date.now())));
    if (ended) break;
    const start = Date.now();
    let result: { exit: number; output: string };
    try {
      result =
        procedure === 'reference'
          ? { exit: 0, output: await referenceStep(front, step, m, moved) }
          : await runCommand(procedure, { ...baseEnv, ...stepEnv(step, plan, m, moved) });
    } catch (e) {
      result = { exit: 1, output: (e as Error).message };
    }
    runs.push({ step, start, end: Date.now(), ...result });
    if (step.tenant) moved.push(step.tenant);
  }
  return runs;
}
