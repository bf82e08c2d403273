// `sndsbench mirror`: the weeks of double hosting rehearsed. Researchers' load on the old host for the
// whole run while a replication (the lab's reference, or the candidate's own command) keeps the new host
// in step; a probe of the new host measures how long each acknowledged change takes to show there and
// how far the new host trails, second by second; after the load, the time to catch up, then an audit
// of both hosts body by body, and the verdict.
import { checkStartingState } from './starting-state.js';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { writeAtomic } from '../util/files.js';
import { credentialsOf, loadProfile, profileFile } from '../hosts/profile.js';
import { preflight } from '../hosts/preflight.js';
import type { S3Access } from '../hosts/s3node.js';
import { access, DeltaSync, removeAll } from '../hosts/sync.js';
import { seedRecord } from '../contracts/dataset.js';
import { mirrorEvent, type MutationEvent } from '../contracts/events.js';
import { stat, type K6Summary } from '../contracts/k6.js';
import { readSummary, type MirrorReport, type MirrorResult } from '../contracts/results.js';
import { runManifest, sizes } from './provenance.js';
import { launch, redact, runId, secretsOf } from './launcher.js';
import { checkProcedure, startProcedure, type Running, type Stopped } from './procedure.js';
import { analyseLag, Ledger, percentile, seconds } from './mirror-lag.js';
import { Probe } from './mirror-probe.js';
import { audit, type Audit } from './mirror-audit.js';
import { describeBeside, mixFigures, MixLog, mixSettings, type MixOptions } from './consistency-mix.js';

export interface MirrorOptions {
  from: string;
  to: string;
  /** The host the load goes through instead of straight to `from` (a front). */
  front?: string;
  dataset: string;
  /** "reference" or a shell command. */
  procedure: string;
  /** Seconds of load. */
  duration: number;
  /** Seconds: the lag p99 that still passes. */
  maxLag: number;
  rate: number;
  /** Seconds the new host has to catch up after the load. */
  catchUp: number;
  results: string;
  keepObjects: boolean;
  /** The consistency mix on the new host beside the load (--consistency); none by default. */
  consistency?: MixOptions | null;
}

const PROBE_EVERY_MS = 250;
const WRITE_SIZE = 16 * 1024;

/** The built CLI, which runs the lab's reference replication (`sndsbench replicate`) as a process of its own. */
function builtCli(): string {
  const cli = projectPath('dist', 'src', 'cli.js');
  if (!existsSync(cli)) throw new UsageError(`--procedure reference runs ${cli}: build it with "npm run build"`);
  return cli;
}

export async function mirror(
  o: MirrorOptions,
): Promise<{ dir: string; result: MirrorResult; text: string; exitCode: number }> {
  checkProcedure(o.procedure);
  const from = loadProfile(o.from);
  const to = loadProfile(o.to);
  const front = o.front ? loadProfile(o.front) : null;
  const seed = seedRecord(o.dataset, from.name);
  const cli = o.procedure === 'reference' ? builtCli() : '';
  const loadHost = front ?? from;
  const lc = await preflight(loadHost);
  if (front) await preflight(from);
  const tc = await preflight(to);
  // Through a front, the load must reach the old host only, as double hosting starts.
  if (front) await checkStartingState(front, from, to);

  const id = runId(`mirror-${to.name}`, 'millisecond');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const prefixes = { dataset: `${seed.prefix}/`, run: `mirror-${id}/` };
  // The mix's clients use the new host while the replication writes to it, under a prefix of their own that
  // the replication leaves alone: what they acknowledged there is theirs to read back.
  const mixPrefix = `consistency-${id}/`;
  const mixLog = o.consistency ? new MixLog() : null;
  const [src, dst] = [access(from), access(to)];
  // The new host holds the dataset when double hosting begins, as after the migration.
  await new DeltaSync(src, dst, prefixes.dataset).run();

  const objects = seed.objects.filter((x) => x.sha256 && x.bytes > 0 && !x.key.endsWith('.json'));
  writeFileSync(join(dir, 'objects.json'), JSON.stringify(objects));
  const settings = {
    RATE: String(o.rate),
    DURATION: `${o.duration}s`,
    WRITE_PREFIX: prefixes.run,
    WRITE_SIZE: String(WRITE_SIZE),
    OBJECTS: join(dir, 'objects.json'),
    ...(o.consistency ? mixSettings(o.consistency, mixPrefix) : {}),
  };
  const secrets = secretsOf([loadHost, from, to].map(credentialsOf));
  const procedureEnv = {
    SNDSBENCH_FROM: from.name,
    SNDSBENCH_TO: to.name,
    SNDSBENCH_FROM_PROFILE: profileFile(o.from),
    SNDSBENCH_TO_PROFILE: profileFile(o.to),
    SNDSBENCH_PREFIXES: `${prefixes.dataset} ${prefixes.run}`,
  };

  const mutations: MutationEvent[] = [];
  let loadStarted = 0;
  const exited = launch({
    scenario: 'mirror',
    dir,
    settings,
    target: { profile: loadHost, credentials: lc },
    others: [from, to].map(credentialsOf),
    ...(o.consistency ? { mixTarget: { profile: to, credentials: tc } } : {}),
    jsonLog: true,
    onLine: (line) => {
      if (mixLog?.take(line)) return;
      const e = mirrorEvent(line);
      if (e?.event === 'load') {
        loadStarted = e.t;
      } else if (e?.event === 'mutation') mutations.push(e);
    },
  });

  // The replication and the probe start with the load, so that they are under way when the first change is
  // acknowledged: double hosting is measured in its steady state, not while a process boots.
  const probe = new Probe(dst, prefixes.run, PROBE_EVERY_MS);
  const procedureStart = Date.now();
  const reference = [process.execPath, cli, 'replicate', '--from', profileFile(o.from), '--to', profileFile(o.to)];
  let running: Running | null = startProcedure(
    cli ? [...reference, '--prefix', prefixes.dataset, '--prefix', prefixes.run] : o.procedure,
    procedureEnv,
  );
  probe.start();
  const stopAll = async (): Promise<Stopped | null> => {
    await probe.stop();
    const r = running;
    running = null;
    return r ? r.stop() : null;
  };
  let stopped: Stopped | null;
  let stoppedAt: number;
  let loadEnded: number;
  let catchUp: MirrorReport['catch_up'];
  let found: Audit;
  let summary: K6Summary;
  let runner: string;
  try {
    const load = await exited;
    loadEnded = Date.now();
    mixLog?.save(dir);
    runner = load.runner;
    if (load.error) throw load.error;
    summary = readSummary(load.summaries[0]);

    catchUp = await waitForCatchUp(new Ledger(mutations), probe, o.catchUp);
    await probe.stop();
    const deleted = new Set(mutations.filter((m) => m.kind === 'delete').map((m) => m.key));
    found = await audit(src, dst, [prefixes.dataset, prefixes.run], deleted);
    stopped = await stopAll();
    stoppedAt = Date.now();
  } catch (e) {
    await stopAll();
    if (!o.keepObjects) await removeRun(src, dst, prefixes.run);
    if (!o.keepObjects && mixLog) await removeAll(dst, mixPrefix);
    throw e;
  }
  const removed = o.keepObjects ? null : await removeRun(src, dst, prefixes.run);
  const mixRemoved = o.keepObjects || !mixLog ? null : await removeAll(dst, mixPrefix);
  const output = redact(stopped?.output ?? '', secrets);
  const command = redact(o.procedure === 'reference' ? 'reference' : o.procedure, secrets);
  writeFileSync(
    join(dir, 'procedure.log'),
    `${command}\n${stopped?.exitedEarly ? `exited with ${stopped.exit} before it was stopped` : 'stopped'}\n${output}`,
  );

  const t0 = loadStarted || procedureStart;
  const { lags, lagTimeline, divergenceTimeline } = analyseLag(new Ledger(mutations), probe.rounds, t0);
  const seen = seconds(lags);
  const never = lags.filter((l) => l.lag_ms === 'never');
  const count = (kind: MutationEvent['kind']) => mutations.filter((m) => m.kind === kind).length;
  const report: MirrorReport = {
    id,
    from: from.name,
    to: to.name,
    front: front?.name ?? null,
    prefixes,
    procedure: {
      command,
      start: procedureStart,
      stopped: stoppedAt,
      exit: stopped?.exit ?? null,
      exited_early: stopped?.exitedEarly ?? false,
    },
    load_started: t0,
    load_ended: loadEnded,
    // The load's own: the mix's requests and failures are under `consistency`.
    requests: stat(summary, 'http_reqs{scenario:mirror}', 'count'),
    errors: stat(summary, 's3_errors{scenario:mirror}', 'count'),
    dropped_iterations: stat(summary, 'dropped_iterations', 'count'),
    integrity_failures: stat(summary, 'mirror_integrity_failures', 'count'),
    changes: { writes: count('write'), overwrites: count('overwrite'), deletes: count('delete') },
    probe: {
      every_ms: PROBE_EVERY_MS,
      rounds: probe.rounds.length,
      failed: probe.failed,
      resolution_ms: probe.resolution(),
    },
    lag: {
      seen: seen.length,
      never: never.length,
      never_keys: [...new Set(never.map((l) => l.key))].sort(),
      p50_s: percentile(seen, 50),
      p90_s: percentile(seen, 90),
      p99_s: percentile(seen, 99),
      max_s: seen.at(-1) ?? 0,
    },
    lag_timeline: lagTimeline,
    divergence_timeline: divergenceTimeline,
    catch_up: catchUp,
    audit: found,
    removed,
    max_lag_s: o.maxLag,
    ...(mixLog && o.consistency
      ? {
          consistency: mixFigures(mixLog, o.consistency, { host: to.name, prefix: mixPrefix, t0, removed: mixRemoved }),
        }
      : {}),
    failed: [],
    verdict: 'PASS',
    lags,
  };
  report.failed = judge(report);
  report.verdict = report.failed.length ? 'FAIL' : 'PASS';

  const result: MirrorResult = { ...report, runner };
  writeAtomic(join(dir, 'mirror.json'), JSON.stringify(result, null, 1) + '\n');
  const workload = {
    scenario: 'mirror',
    from: from.name,
    front: front?.name ?? null,
    rate: o.rate,
    duration_s: o.duration,
    write_size: WRITE_SIZE,
    objects: objects.length,
    ...(o.consistency ? { consistency: o.consistency } : {}),
  };
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'mirror',
        id,
        host: to.name,
        provider: to.provider,
        scenario: 'mirror',
        workload,
        object_sizes: sizes(objects.map((x) => x.bytes)),
        tools: { runner, replication: command },
      }),
      null,
      1,
    ),
  );
  const text = describe(report);
  writeFileSync(join(dir, 'verdict.txt'), text + '\n');
  return { dir, result, text, exitCode: report.verdict === 'PASS' ? 0 : 1 };
}

/** Waits, after the load, until a listing of the new host shows no divergence from every change
 * acknowledged, or `timeout` seconds. */
async function waitForCatchUp(ledger: Ledger, probe: Probe, timeout: number): Promise<MirrorReport['catch_up']> {
  const start = Date.now();
  const after = probe.rounds.length;
  for (;;) {
    const reached = probe.rounds.length > after && isZero(ledger.divergence(probe.state, Infinity));
    const seconds = (Date.now() - start) / 1000;
    if (reached || seconds >= timeout) return { seconds, reached, timeout_s: timeout };
    await new Promise((r) => setTimeout(r, PROBE_EVERY_MS / 2));
  }
}

const isZero = (d: { missing: number; stale: number; resurrected: number }) =>
  d.missing + d.stale + d.resurrected === 0;

/** The run's objects off both hosts, whatever the audit found. */
async function removeRun(from: S3Access, to: S3Access, prefix: string): Promise<{ from: number; to: number }> {
  const [a, b] = await Promise.all([removeAll(from, prefix), removeAll(to, prefix)]);
  return { from: a, to: b };
}

/** The reasons for a FAIL, none for a PASS. */
export function judge(r: MirrorReport): string[] {
  const changes = r.changes.writes + r.changes.overwrites + r.changes.deletes;
  const d = r.audit.differences;
  const kinds = (['missing', 'stale', 'resurrected', 'extra'] as const)
    .map((k) => [k, d.filter((x) => x.kind === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`);
  const checks: [boolean, string][] = [
    [changes > 0, 'no change was acknowledged on the old host: nothing measured'],
    [r.lag.never === 0, `${r.lag.never} changes never shown by the new host`],
    [r.lag.p99_s <= r.max_lag_s, `lag p99 ${r.lag.p99_s.toFixed(1)} s > ${r.max_lag_s} s`],
    [d.length === 0, `the audit after catch-up found ${d.length} differences (${kinds.join(', ')})`],
    [
      !(r.procedure.exited_early && r.procedure.exit !== 0),
      `the procedure exited with ${r.procedure.exit} before it was stopped`,
    ],
  ];
  // The mix's own reasons, held to 0 as `sndsbench consistency` holds a host.
  const mix = (r.consistency?.failed ?? []).map((why) => `consistency mix on ${r.to}: ${why}`);
  return [...checks.filter(([ok]) => !ok).map(([, why]) => why), ...mix];
}

const NAMED = 20;

export function describe(r: MirrorReport): string {
  const c = r.changes;
  const d = r.audit.differences;
  const rel = (t: number) => ((t - r.load_started) / 1000).toFixed(1);
  return [
    `mirror ${r.from} -> ${r.to}${r.front ? ` (load through ${r.front})` : ''}: ` +
      `${r.requests.toLocaleString('en')} requests, ${r.errors} errors, ${r.dropped_iterations} dropped iterations, ` +
      `${r.integrity_failures} integrity failures`,
    `replication: ${r.procedure.command}, from ${rel(r.procedure.start)} s to ${rel(r.procedure.stopped)} s` +
      (r.procedure.exited_early ? ` (exited with ${r.procedure.exit} before it was stopped)` : ''),
    `changes acknowledged on ${r.from}: ${c.writes} writes, ${c.overwrites} overwrites, ${c.deletes} deletes`,
    `replication lag: p50 ${r.lag.p50_s.toFixed(2)} s, p90 ${r.lag.p90_s.toFixed(2)} s, ` +
      `p99 ${r.lag.p99_s.toFixed(2)} s, max ${r.lag.max_s.toFixed(2)} s ` +
      `(probe every ${r.probe.every_ms} ms, resolution ${r.probe.resolution_ms} ms)`,
    `never shown by ${r.to}: ${r.lag.never}${r.lag.never ? ` (${r.lag.never_keys.slice(0, NAMED).join(', ')})` : ''}`,
    r.catch_up.reached
      ? `catch-up after the load: ${r.catch_up.seconds.toFixed(1)} s`
      : `catch-up after the load: not reached in ${r.catch_up.timeout_s} s`,
    `audit: ${r.audit.objects.from} objects on ${r.from}, ${r.audit.objects.to} on ${r.to}, ${d.length} differences`,
    ...d.slice(0, NAMED).map((x) => `  ${x.kind}: ${x.key}`),
    ...(d.length > NAMED ? [`  and ${d.length - NAMED} more (mirror.json)`] : []),
    ...(r.consistency ? describeBeside(r.consistency) : []),
    `verdict: ${r.verdict}${r.failed.length ? ' — ' + r.failed.join('; ') : ''}`,
  ].join('\n');
}
