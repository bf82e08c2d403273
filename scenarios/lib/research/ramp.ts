// The researchers' ramp: one more researcher every `ramp` seconds, and how many the schedule has active at
// a moment. Pure and import-free, so that the scenario, Node and the tests share it.

/** ramping-vus stages: a one-second ramp to each count, then `ramp` seconds held (1 from the start). */
export function rampStages(researchers: number, ramp: number): { duration: string; target: number }[] {
  return Array.from({ length: researchers }, (_, i) => [
    { duration: '1s', target: i + 1 },
    { duration: `${ramp}s`, target: i + 1 },
  ]).flat();
}

/** Researchers active `elapsedMs` after the scenario started: with a ramp, one more at the end of each
 * one-second ramp stage (ramping-vus starts a VU when its linear ramp reaches it); without, all. */
export function activeResearchers(elapsedMs: number, researchers: number, ramp: number): number {
  if (!ramp) return researchers;
  const joined = Math.floor((elapsedMs / 1000 - 1) / (ramp + 1)) + 1;
  return Math.min(researchers, Math.max(1, joined));
}
