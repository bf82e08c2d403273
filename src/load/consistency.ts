// `sndsbench consistency --host H`: what a host promises a client that reads its own writes, tested.
// The launcher runs scenarios/consistency.ts (the operation mix and the conditional rounds), which logs
// every operation; the analysis (consistency-check.ts) counts the anomalies of each kind per 100,000
// checks and the conditional rounds lost; the run's objects are removed afterwards.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { writeAtomic } from '../util/files.js';
import { loadProfile } from '../hosts/profile.js';
import { preflight } from '../hosts/preflight.js';
import { access, removeAll } from '../hosts/sync.js';
import { stat } from '../contracts/k6.js';
import { readSummary, type ConsistencyReport, type ConsistencyResult } from '../contracts/results.js';
import { runManifest } from './provenance.js';
import { launch, runId } from './launcher.js';
import { analyseMix, describeMix, judge, MixLog, type Mix } from './consistency-mix.js';

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
  const log = new MixLog();
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
    onLine: (line) => log.take(line),
  });
  const loadEnded = Date.now();
  log.save(dir);
  const removed = o.keepObjects
    ? null
    : await removeAll(access(p), prefix).catch((e: Error) => {
        console.error(`sndsbench: warning: objects under ${prefix} on ${p.name} were not removed: ${e.message}`);
        return null;
      });
  if (load.error) throw load.error;
  const summary = readSummary(load.summaries[0]);

  const t0 = log.t0();
  const report: ConsistencyReport = {
    id,
    host: p.name,
    prefix,
    load_started: t0,
    load_ended: loadEnded,
    requests: stat(summary, 'http_reqs', 'count'),
    ...analyseMix(log, o.writers, t0),
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
        object_sizes: {
          count: log.ops.filter((x) => x.op === 'create').length,
          min: o.size,
          median: o.size,
          max: o.size,
        },
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

export function describe(r: ConsistencyReport): string {
  const ops = Object.entries(r.operations)
    .map(([op, n]) => `${n} ${op}`)
    .join(', ');
  const served = Object.entries(r.served_by);
  return [
    `consistency on ${r.host}: ${r.requests.toLocaleString('en')} requests (${ops}), ` +
      `${r.failed_operations} without an answer or with a 5xx`,
    ...(served.length ? [`reads answered by ${served.map(([h, n]) => `${h} ${n}`).join(', ')}`] : []),
    ...describeMix(r),
    `verdict: ${r.verdict}${r.failed.length ? ' — ' + r.failed.join('; ') : ''}`,
  ].join('\n');
}
