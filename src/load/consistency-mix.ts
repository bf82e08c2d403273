// The consistency mix as the runner drives it, wherever it runs: alone (`sndsbench consistency`) or beside
// a cutover's or a mirror's load (`--consistency`). Its settings as the scripts read them, its events
// gathered from the log, the analysis of consistency-check.ts over them, and the reasons for a FAIL.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../util/errors.js';
import { consistencyEvent, type OperationEvent, type RoundEvent } from '../contracts/events.js';
import { ANOMALY_KINDS, type AnomalyKind, type ConsistencyReport, type MixFigures } from '../contracts/results.js';
import { analyseOperations, analyseRounds, type ConsistencyAnalysis } from './consistency-check.js';

/** The actions of the operation mix; a create, a delete and an overwrite read their key back. */
export const ACTIONS = ['create', 'overwrite', 'delete', 'get', 'head', 'list'] as const;
export type Mix = Record<(typeof ACTIONS)[number], number>;
export const DEFAULT_MIX: Mix = { create: 20, overwrite: 15, delete: 15, get: 25, head: 10, list: 15 };

/** "create=20,overwrite=15,..." → the shares; actions left out keep none, unless none is given. */
export function parseMix(s: string, option = 'mix'): Mix {
  const mix = Object.fromEntries(ACTIONS.map((a) => [a, 0])) as Mix;
  const example = 'create=20,overwrite=15,delete=15,get=25,head=10,list=15';
  for (const part of s.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m || !(ACTIONS as readonly string[]).includes(m[1]))
      throw new UsageError(`--${option} must be shares of ${ACTIONS.join(', ')} such as ${example}, got "${s}"`);
    mix[m[1] as keyof Mix] = Number(m[2]);
  }
  if (mix.create <= 0)
    throw new UsageError(`--${option} needs a share of create above 0: nothing is read back otherwise`);
  return mix;
}

/** The mix beside another load: its clients, conditional writers per round (0: none), shares, body size. */
export interface MixOptions {
  vus: number;
  writers: number;
  mix: Mix;
  size: number;
}

/** The variables scenarios/cutover.ts and scenarios/mirror.ts read to run the mix under `prefix`. */
export function mixSettings(o: MixOptions, prefix: string): Record<string, string> {
  return {
    CONSISTENCY_PREFIX: prefix,
    CONSISTENCY_VUS: String(o.vus),
    CONSISTENCY_WRITERS: String(o.writers),
    CONSISTENCY_MIX: JSON.stringify(o.mix),
    CONSISTENCY_SIZE: String(o.size),
  };
}

/** The mix's events, gathered line by line from the runner's log. */
export class MixLog {
  readonly ops: OperationEvent[] = [];
  readonly rounds: RoundEvent[] = [];
  loadStarted = 0;

  /** True when the line was one of the mix's events. */
  take(line: string): boolean {
    const e = consistencyEvent(line);
    if (e?.event === 'op') this.ops.push(e);
    else if (e?.event === 'round') this.rounds.push(e);
    else if (e?.event === 'load') this.loadStarted = e.t;
    return e !== null;
  }

  /** The analysis's whole input, one JSON line per operation or round, in `dir`/operations.jsonl.gz. */
  save(dir: string): void {
    const lines = [...this.ops, ...this.rounds].map((e) => JSON.stringify(e));
    writeFileSync(join(dir, 'operations.jsonl.gz'), gzipSync(lines.join('\n') + '\n'));
  }

  /** The start the timeline counts from: the load's, else the first operation's. */
  t0(): number {
    return this.loadStarted || this.ops.reduce((m, x) => Math.min(m, x.start), Infinity);
  }
}

/** The conditional rounds of each kind, and those without exactly one winner. */
function conditionalOf(rounds: RoundEvent[], writers: number): ConsistencyReport['conditional'] {
  const create = analyseRounds(rounds, 'create');
  const overwrite = analyseRounds(rounds, 'overwrite');
  const lost = (f: typeof create) => f.no_winner + f.several_winners;
  return { writers, create, overwrite, races_lost: lost(create) + lost(overwrite) };
}

/** Every check of the logged operations and rounds (consistency-check.ts), on one host. */
export function analyseMix(
  log: Pick<MixLog, 'ops' | 'rounds'>,
  writers: number,
  t0: number,
): Omit<ConsistencyAnalysis, 'apart'> & Pick<ConsistencyReport, 'conditional'> {
  // Alone on a host nothing is set apart.
  const { apart, ...checked } = analyseOperations(log.ops, t0);
  return { ...checked, conditional: conditionalOf(log.rounds, writers) };
}

/** The mix's figures beside another load, judged as `sndsbench consistency` judges a host. During one of
 * `windows` (a cutover's switches) checks are counted apart and not judged, as the cutover's own reads
 * and deletes are: a read or listing begun during a switch, or held against a write acknowledged during
 * one (a client just moved may write before the sync after the switch has copied the key). */
export function mixFigures(
  log: MixLog,
  o: MixOptions,
  where: { host: string; prefix: string; t0: number; removed: number | null; windows?: [number, number][] },
): MixFigures {
  const windows = where.windows ?? [];
  const during = (t: number) => windows.some(([a, b]) => t >= a && t <= b);
  const a = analyseOperations(log.ops, where.t0, (read, write) => during(read.start) || during(write.end));
  const apart = {
    checks: ANOMALY_KINDS.reduce((n, k) => n + a.apart[k].checks, 0),
    anomalies: ANOMALY_KINDS.reduce((n, k) => n + a.apart[k].anomalies, 0),
    kinds: Object.fromEntries(ANOMALY_KINDS.map((k) => [k, a.apart[k].anomalies])) as Record<AnomalyKind, number>,
  };
  const figures: MixFigures = {
    host: where.host,
    prefix: where.prefix,
    vus: o.vus,
    mix: o.mix,
    operations: a.operations,
    failed_operations: a.failed_operations,
    kinds: a.kinds,
    conditional: conditionalOf(log.rounds, o.writers),
    timeline: a.timeline,
    anomalies: a.anomalies,
    served_by: a.served_by,
    removed: where.removed,
    ...(windows.length ? { window: apart } : {}),
    failed: [],
    verdict: 'PASS',
  };
  figures.failed = judge(figures);
  figures.verdict = figures.failed.length ? 'FAIL' : 'PASS';
  return figures;
}

/** All anomalies, whatever their kind. */
export const anomalyCount = (r: Pick<ConsistencyReport, 'kinds'>) =>
  ANOMALY_KINDS.reduce((n, k) => n + r.kinds[k].anomalies, 0);

/** The reasons for a FAIL: any anomaly, any conditional round lost, or nothing checked. */
export function judge(r: Pick<ConsistencyReport, 'kinds' | 'conditional'>): string[] {
  const checks = ANOMALY_KINDS.reduce((n, k) => n + r.kinds[k].checks, 0);
  const out = checks === 0 ? ['no read or listing was checked: nothing measured'] : [];
  for (const k of ANOMALY_KINDS) {
    const f = r.kinds[k];
    if (f.anomalies) out.push(`${f.anomalies} ${k} anomalies (${f.per_100k.toFixed(0)} per 100,000 checks)`);
  }
  if (r.conditional.races_lost) out.push(`${r.conditional.races_lost} conditional rounds without exactly one winner`);
  return out;
}

const NAMED = 10;
const state = (v: number) => (v > 0 ? `version ${v}` : v === 0 ? 'absent' : 'another body');

/** The lines that describe the anomalies and the rounds (the consistency verdict, and --consistency's). */
export function describeMix(r: Pick<ConsistencyReport, 'kinds' | 'anomalies' | 'conditional'>): string[] {
  const rounds = (name: string, f: ConsistencyReport['conditional']['create']) =>
    `${name}: ${f.rounds} rounds, ${f.one_winner} with one winner, ${f.no_winner} with none, ` +
    `${f.several_winners} with several` +
    (f.several_winners_keys.length ? ` (${f.several_winners_keys.slice(0, NAMED).join(', ')})` : '') +
    (f.no_winner_keys.length ? `; no winner: ${f.no_winner_keys.slice(0, NAMED).join(', ')}` : '') +
    (f.errors ? `; ${f.errors} rounds with errors` : '');
  return [
    ...ANOMALY_KINDS.map((k) => {
      const f = r.kinds[k];
      const lasted = f.anomalies
        ? `; lasted p50 ${f.lasted_ms.p50} ms, p99 ${f.lasted_ms.p99} ms, max ${f.lasted_ms.max} ms`
        : '';
      return (
        `  ${k.padEnd(21)} ${String(f.anomalies).padStart(6)} of ${String(f.checks).padStart(7)} checks, ` +
        `${f.per_100k.toFixed(0)} per 100,000${lasted}`
      );
    }),
    ...r.anomalies
      .slice(0, NAMED)
      .map(
        (a) =>
          `    ${a.kind}: ${a.key} ${a.op} ${a.since_ms} ms after the acknowledgement: ` +
          `expected ${state(a.expected)}, got ${state(a.got)}` +
          (a.host ? ` (from ${a.host})` : ''),
      ),
    ...(r.conditional.writers
      ? [
          `conditional writes, ${r.conditional.writers} concurrent writers per round:`,
          `  ${rounds('If-None-Match: * (create)', r.conditional.create)}`,
          `  ${rounds('If-Match (overwrite)', r.conditional.overwrite)}`,
        ]
      : []),
  ];
}

/** A mix run beside another load, in that load's verdict text. */
export function describeBeside(f: MixFigures): string[] {
  const ops = Object.entries(f.operations)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  const w = f.window;
  return [
    `consistency mix on ${f.host}, ${f.vus} clients: ${ops}; ${f.failed_operations} without an answer or with a 5xx`,
    ...describeMix(f),
    ...(w ? [`  during the switch (not judged): ${w.anomalies} anomalies of ${w.checks} checks`] : []),
    `consistency mix: ${f.verdict}${f.failed.length ? ' — ' + f.failed.join('; ') : ''}`,
  ];
}
