// Cutover (`sndsbench cutover`, scenarios/cutover.ts): traffic through a front while the switch procedure
// moves it from the old host to the candidate, at once or in steps; what was lost, stale or refused judged.
import { basename } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { loadProfile } from '../../hosts/profile.js';
import { routeToSource } from '../../hosts/haproxy.js';
import { cutover as runCutover, DEFAULT_THRESHOLDS } from '../cutover.js';
import { planSteps } from '../steps.js';
import type { MixOptions } from '../consistency-mix.js';
import { MIX_KEYS, mixBeside, mixCost, NO_MIX } from './mix.js';
import { bothHosts, onlyKeys, positive, type RehearsalWorkload } from './workload.js';

export interface CutoverSettings {
  /** "reference" (the lab's switch) or the candidate's own command. */
  procedure: string;
  /** A progressive cutover's steps (e.g. "10%,50%,100%"), one every `stepEvery` seconds; none: one switch. */
  steps?: string;
  stepEvery: number;
  /** The single switch, seconds after the load starts, within `duration` seconds of load. */
  at: number;
  duration: number;
  rate: number;
  /** The consistency mix through the front beside the load (`consistency: true`); null: none. */
  consistency: MixOptions | null;
}

/** The bytes of each write the scenario makes (scenarios/cutover.ts WRITE_SIZE). */
const WRITE_SIZE = 16 * 1024;

export const cutover: RehearsalWorkload<CutoverSettings> = {
  kind: 'rehearsal',
  name: 'cutover',
  describe: 'traffic through a front while the switch moves it to the candidate, at once or in steps',
  needsFront: true,
  profiles: {
    ci: { procedure: 'reference', stepEvery: 6, at: 5, duration: 15, rate: 30, consistency: null },
    full: { procedure: 'reference', stepEvery: 60, at: 60, duration: 180, rate: 40, consistency: null },
  },
  settings(base, g, where) {
    onlyKeys(where, g, ['procedure', 'steps', 'step_every', 'at', 'duration', 'rate', ...MIX_KEYS]);
    const at = g.at === undefined ? base.at : Number(g.at);
    if (!(at >= 0))
      throw new UsageError(`${where}.at must be seconds after the load starts, got ${JSON.stringify(g.at)}`);
    const stepEvery = positive(where, 'step_every', g.step_every, base.stepEvery);
    const steps = g.steps === undefined ? base.steps : String(g.steps);
    if (steps !== undefined) {
      if (g.at !== undefined)
        throw new UsageError(`${where}: at is the single switch's time; with steps use step_every`);
      try {
        planSteps({ steps, stepEvery });
      } catch (e) {
        throw new UsageError(`${where}.steps: ${(e as Error).message}`);
      }
    }
    return {
      procedure: g.procedure === undefined ? base.procedure : String(g.procedure),
      steps,
      stepEvery,
      at,
      duration: positive(where, 'duration', g.duration, base.duration),
      rate: positive(where, 'rate', g.rate, base.rate),
      consistency: mixBeside(where, g, base.consistency),
    };
  },
  estimate(s, c) {
    // Half reads, half writes at `rate`, after the dataset is copied to the candidate.
    const seconds = s.steps ? s.stepEvery * (s.steps.split(',').length + 1) : s.duration;
    const requests = s.rate * seconds;
    const d = c.dataset;
    // The mix's clients through the front for the whole run, on the old host then the candidate: counted
    // on the candidate, as the load's own requests are.
    const m = s.consistency ? mixCost(s.consistency, seconds, c.requestSeconds(s.consistency.size)) : NO_MIX;
    return {
      seconds,
      put: requests / 2 + d.files + m.put,
      get: requests / 2 + m.get,
      written: (requests / 2) * WRITE_SIZE + d.bytes + m.written,
      read: m.read,
    };
  },
  async execute(s, c) {
    const front = loadProfile(c.front!);
    if (s.procedure === 'reference' && front.haproxy) await routeToSource(front.haproxy);
    const plan = s.steps ? planSteps({ steps: s.steps, stepEvery: s.stepEvery }) : null;
    const r = await runCutover({
      front: c.front!,
      from: c.source,
      to: c.host,
      dataset: c.dataset,
      procedure: s.procedure,
      at: s.at,
      duration: plan ? plan.duration : s.duration,
      plan,
      rate: s.rate,
      noReuse: false,
      results: c.results,
      thresholds: DEFAULT_THRESHOLDS,
      consistency: s.consistency,
    });
    return { exit: r.exitCode, owned: bothHosts(c, `cutover-${basename(r.dir)}/`) };
  },
};
