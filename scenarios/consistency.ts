// Consistency load: what a store promises a client that reads its own writes, checked operation by
// operation, on one host (the mix itself is scenarios/lib/consistency.ts). VUS clients run the
// operation mix (MIX); one more VU sends rounds of WRITERS concurrent conditional PUTs on one key, where
// exactly one writer must win. Every operation is logged (src/contracts/events.ts); the runner's analysis
// holds each read against the writes.
import { targetFromEnv } from './lib/s3.ts';
import { consistencyMix, mixScenarios } from './lib/consistency.ts';
import { summaryOutputs } from './lib/summary.ts';

const DURATION = __ENV.DURATION || '30s';
const VUS = Number(__ENV.VUS || 8);
/** Concurrent writers per conditional round; 0: no rounds. */
const WRITERS = Number(__ENV.WRITERS ?? 8);

export const options = {
  scenarios: mixScenarios(
    { operations: 'operations', race: 'races' },
    { operations: 'operations', race: 'race' },
    VUS,
    WRITERS,
    DURATION,
  ),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  thresholds: {},
};

const mix = consistencyMix({
  target: targetFromEnv(),
  prefix: __ENV.PREFIX || 'consistency/',
  size: Number(__ENV.SIZE || 1024),
  writers: WRITERS,
  roundPauseMs: Number(__ENV.ROUND_PAUSE_MS || 100),
  mix: JSON.parse(__ENV.MIX || '{"create":20,"overwrite":15,"delete":15,"get":25,"head":10,"list":15}') as Record<
    string,
    number
  >,
});

export function setup(): void {
  mix.loadStarts();
}

export const operations = mix.operations;
export const race = mix.race;

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
