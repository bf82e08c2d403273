// The schedules of the executors, as pure functions of the options: when arrival-rate iterations are due,
// and when ramping-vus changes its number of VUs.
import type { Scenario, Stage } from './options.js';

/** Offset (ms from the scenario's start) of the global iteration `g` (0-based) of an arrival-rate scenario,
 * or Infinity when it falls after the last stage. */
export function arrivalOffset(sc: Scenario, g: number): number {
  if (sc.executor === 'constant-arrival-rate') return sc.rate > 0 ? (g * sc.timeUnitMs) / sc.rate : Infinity;
  return rampingArrivalOffset(sc.startRate, sc.stages, sc.timeUnitMs, g + 1);
}

/** k6's ramping-arrival-rate: iteration n (1-based) starts where the area under the rate reaches n. */
export function rampingArrivalOffset(startRate: number, stages: Stage[], unitMs: number, n: number): number {
  let from = startRate;
  let area = 0;
  let t = 0;
  for (const s of stages) {
    const d = s.durationMs / unitMs; // in time units
    const to = s.target;
    const stageArea = ((from + to) / 2) * d;
    if (area + stageArea >= n && stageArea > 0) {
      const a = n - area;
      let x: number;
      if (from === to) x = a / from;
      else {
        const slope = (to - from) / d;
        x = (-from + Math.sqrt(from * from + 2 * slope * a)) / slope;
      }
      return t + x * unitMs;
    }
    area += stageArea;
    t += s.durationMs;
    from = to;
  }
  return Infinity;
}

/** ramping-vus: [offset ms, VUs] each time the count changes, the start included. */
export function rampingVusSteps(sc: Scenario): [number, number][] {
  const steps: [number, number][] = [[0, sc.startVUs]];
  let from = sc.startVUs;
  let t = 0;
  for (const s of sc.stages) {
    const diff = s.target - from;
    if (s.durationMs === 0) {
      if (diff) steps.push([t, s.target]);
    } else {
      const n = Math.abs(diff);
      for (let j = 1; j <= n; j++) steps.push([t + (j * s.durationMs) / n, from + Math.sign(diff) * j]);
    }
    t += s.durationMs;
    from = s.target;
  }
  return steps;
}

/** The largest number of VUs a scenario may use at once (before any segment). */
export function maxVUsOf(sc: Scenario): number {
  switch (sc.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate':
      return sc.maxVUs;
    case 'ramping-vus':
      return Math.max(sc.startVUs, ...sc.stages.map((s) => s.target));
    default:
      return sc.vus;
  }
}

/** VUs initialised before the test starts. */
export function initialVUsOf(sc: Scenario): number {
  return sc.executor.endsWith('arrival-rate') ? sc.preAllocatedVUs : maxVUsOf(sc);
}
