// `sndsbench consistency --host H`: what a host promises a client that reads its own writes, tested.
// The launcher runs scenarios/consistency.ts (the operation mix and the conditional rounds), which logs
// every operation; the analysis (consistency-check.ts) counts the anomalies of each kind per 100,000
// checks and the conditional rounds lost; the run's objects are removed afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../util/errors.js';
import { writeAtomic } from '../util/files.js';
import { loadProfile } from '../hosts/profile.js';
import { preflight } from '../hosts/preflight.js';
import { access, removeAll } from '../hosts/sync.js';
import { consistencyEvent, type OperationEvent, type RoundEvent } from '../contracts/events.js';
import { stat } from '../contracts/k6.js';
import { ANOMALY_KINDS, readSummary, type ConsistencyReport, type ConsistencyResult } from '../contracts/results.js';
import { runManifest } from './provenance.js';
import { launch, runId } from './launcher.js';
import { analyseOperations, analyseRounds } from './consistency-check.js';

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

export interface ConsistencyOptions {
  host: string;
  /** Seconds of load. */
  duration: number;
  /** Clients of the operation mix, each a VU with connections of its own. */
  vus: number;
  /** Concurrent writers per conditional round; 0 sends no rounds. */
  writers: number;
  mix: Mix;
  /** Bytes of each body. */
  size: number;
  results: string;
  keepObjects: boolean;
}

export async function consistency(
  o: ConsistencyOptions,
): Promise<{ dir: string; result: ConsistencyResult; text: string; exitCode: number }> {
  if (!(o.duration > 0 && o.duration <= 24 * 3600)) throw new UsageError('--duration must be between 1 s and 24 h');
  const p = loadProfile(o.host);
  if (p.kind !== 's3') throw new UsageError(`${p.name} is not an S3 host: the consistency scenario speaks S3`);
  const c = await preflight(p);
  const id = runId(`consistency-${p.name}`, 'millisecond');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const prefix = `consistency-${id}/`;
  const ops: OperationEvent[] = [];
  const rounds: RoundEvent[] = [];
  let loadStarted = 0;
  const load = await launch({
    scenario: 'consistency',
    dir,
    settings: {
      DURATION: `${o.duration}s`,
      VUS: String(o.vus),
      WRITERS: String(o.writers),
      MIX: JSON.stringify(o.mix),
      SIZE: String(o.size),
      PREFIX: prefix,
    },
    target: { profile: p, credentials: c },
    jsonLog: true,
    onLine: (line) => {
      const e = consistencyEvent(line);
      if (e?.event === 'op') ops.push(e);
      else if (e?.event === 'round') rounds.push(e);
      else if (e?.event === 'load') loadStarted = e.t;
    },
  });
  const loadEnded = Date.now();
  // The analysis's whole input, one JSON line per operation or round.
  writeFileSync(
    join(dir, 'operations.jsonl.gz'),
    gzipSync([...ops, ...rounds].map((e) => JSON.stringify(e)).join('\n') + '\n'),
  );
  const removed = o.keepObjects
    ? null
    : await removeAll(access(p), prefix).catch((e: Error) => {
        console.error(`sndsbench: warning: objects under ${prefix} on ${p.name} were not removed: ${e.message}`);
        return null;
      });
  if (load.error) throw load.error;
  const summary = readSummary(load.summaries[0]);

  const t0 = loadStarted || ops.reduce((m, x) => Math.min(m, x.start), Infinity);
  const a = analyseOperations(ops, t0);
  const create = analyseRounds(rounds, 'create');
  const overwrite = analyseRounds(rounds, 'overwrite');
  const report: ConsistencyReport = {
    id,
    host: p.name,
    prefix,
    load_started: t0,
    load_ended: loadEnded,
    requests: stat(summary, 'http_reqs', 'count'),
    ...a,
    conditional: {
      writers: o.writers,
      create,
      overwrite,
      races_lost: create.no_winner + create.several_winners + overwrite.no_winner + overwrite.several_winners,
    },
    removed,
    failed: [],
    verdict: 'PASS',
  };
  report.failed = judge(report);
  report.verdict = report.failed.length ? 'FAIL' : 'PASS';
  const result: ConsistencyResult = { ...report, runner: load.runner };
  writeAtomic(join(dir, 'consistency.json'), JSON.stringify(result, null, 1) + '\n');
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'consistency',
        id,
        host: p.name,
        provider: p.provider,
        scenario: 'consistency',
        workload: {
          scenario: 'consistency',
          duration_s: o.duration,
          vus: o.vus,
          writers: o.writers,
          mix: o.mix,
          size: o.size,
        },
        object_sizes: { count: ops.filter((x) => x.op === 'create').length, min: o.size, median: o.size, max: o.size },
        tools: { runner: load.runner },
      }),
      null,
      1,
    ),
  );
  const text = describe(report);
  writeFileSync(join(dir, 'verdict.txt'), text + '\n');
  return { dir, result, text, exitCode: report.verdict === 'PASS' ? 0 : 1 };
}

/** The reasons for a FAIL: any anomaly, any conditional round lost, or nothing checked. */
export function judge(r: ConsistencyReport): string[] {
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

export function describe(r: ConsistencyReport): string {
  const ops = Object.entries(r.operations)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  const rounds = (name: string, f: ConsistencyReport['conditional']['create']) =>
    `${name}: ${f.rounds} rounds, ${f.one_winner} with one winner, ${f.no_winner} with none, ` +
    `${f.several_winners} with several` +
    (f.several_winners_keys.length ? ` (${f.several_winners_keys.slice(0, NAMED).join(', ')})` : '') +
    (f.no_winner_keys.length ? `; no winner: ${f.no_winner_keys.slice(0, NAMED).join(', ')}` : '') +
    (f.errors ? `; ${f.errors} rounds with errors` : '');
  const served = Object.entries(r.served_by);
  return [
    `consistency on ${r.host}: ${r.requests.toLocaleString('en')} requests (${ops}), ` +
      `${r.failed_operations} without an answer or with a 5xx`,
    ...(served.length ? [`reads answered by ${served.map(([h, n]) => `${h} ${n}`).join(', ')}`] : []),
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
    `conditional writes, ${r.conditional.writers} concurrent writers per round:`,
    `  ${rounds('If-None-Match: * (create)', r.conditional.create)}`,
    `  ${rounds('If-Match (overwrite)', r.conditional.overwrite)}`,
    `verdict: ${r.verdict}${r.failed.length ? ' — ' + r.failed.join('; ') : ''}`,
  ].join('\n');
}
