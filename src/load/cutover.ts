// `sndsbench cutover`: load through the front for the whole run, the switch procedure at --at, then
// the evidence: every acknowledged write checked on the target, reads after the switch checked for
// the latest version, a per-second timeline, the switch window's error rate and latency, the longest
// run of failures, and the data acknowledged on the source but absent from the target at the switch.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { credentialsOf, loadProfile, type HostProfile } from '../hosts/profile.js';
import { access, DeltaSync, removeAll } from '../hosts/sync.js';
import { writeAtomic } from '../util/files.js';
import { Histogram } from '../util/histogram.js';
import { runManifest, sizes } from './provenance.js';
import { preflight } from '../hosts/preflight.js';
import { seedRecord } from '../contracts/dataset.js';
import { cutoverEvent, type DeletedEvent, type StateReadEvent, type WriteEvent } from '../contracts/events.js';
import { stat } from '../contracts/k6.js';
import {
  readSummary,
  type CutoverReport,
  type CutoverResult,
  type MixFigures,
  type Thresholds,
} from '../contracts/results.js';
import { launch, redact, runId, secretsOf } from './launcher.js';
import { checkProcedure, runCommand } from './procedure.js';
import { haproxyEnv, referenceProcedure } from './switch.js';
import { checkStartingState } from './starting-state.js';
import { missingOn, presentOn, readSamples } from './evidence.js';
import { runSteps } from './progressive.js';
import { describeSteps, NEW_HOST, progressiveFigures, stepName, type Progress } from './progressive-report.js';
import { longestFailure, windowOf, type StepRun } from './step-analysis.js';
import type { StepPlan } from './steps.js';
import { anomalyCount, describeBeside, mixFigures, MixLog, mixSettings, type MixOptions } from './consistency-mix.js';

export type { Thresholds } from '../contracts/results.js';

export interface CutoverOptions {
  front: string;
  from: string;
  to: string;
  /** Seconds after the load starts. */
  at: number;
  duration: number;
  procedure: string;
  dataset: string;
  rate: number;
  noReuse: boolean;
  results: string;
  thresholds: Thresholds;
  /** A progressive cutover (--steps or --tenants); null for the single switch at --at. */
  plan?: StepPlan | null;
  /** The consistency mix through the front beside the load (--consistency); none by default. */
  consistency?: MixOptions | null;
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  lost_writes: 0,
  stale_reads: 0,
  integrity_failures: 0,
  window_error_rate: 0.001,
  longest_failure_s: 1,
  ryw_violations: 0,
  rollback_lost_writes: 0,
  resurrected: 0,
  consistency_anomalies: 0,
  conditional_races_lost: 0,
};

export async function cutover(
  o: CutoverOptions,
): Promise<{ dir: string; report: CutoverReport; text: string; exitCode: number }> {
  const plan = o.plan ?? null;
  if (!plan && o.at >= o.duration)
    throw new UsageError(`--at ${o.at}s must come before the end of --duration ${o.duration}s`);
  // Refused rather than routed: a front moves a tenant by its request paths, and the mix's clients belong
  // to no tenant, so they would stay on the old host all run and cross no switch (a PASS that proves
  // nothing). Placed under a tenant's prefix they would still list through a path that names no tenant,
  // answered by the old host after their tenant moved: the figures would judge how the front routes
  // listings, not the tenants' move. A share of traffic (--steps) or the single switch moves them.
  if (o.consistency && plan?.mode === 'tenant')
    throw new UsageError(
      '--consistency needs a cutover that moves clients (--steps or the single switch), not --tenants: ' +
        "the mix's clients and their listings belong to no tenant",
    );
  checkProcedure(o.procedure);
  const front = loadProfile(o.front);
  const from = loadProfile(o.from);
  const to = loadProfile(o.to);
  if (o.procedure === 'reference' && !front.haproxy)
    throw new UsageError(
      `--procedure reference switches an HAProxy front: ${front.name} has no haproxy socket in its profile`,
    );
  if (o.procedure === 'reference' && plan?.mode === 'tenant' && !front.haproxy?.tenant_map)
    throw new UsageError(`--procedure reference moves tenants by an HAProxy map: ${front.name} names none`);
  const seed = seedRecord(o.dataset, from.name);
  const objects = seed.objects.filter((x) => x.sha256 && x.bytes > 0 && !x.key.endsWith('.json'));
  const tenants = plan?.mode === 'tenant' ? plan.steps.flatMap((s) => (s.tenant ? [s.tenant] : [])) : [];
  for (const t of tenants)
    if (!objects.some((x) => x.key.startsWith(`${seed.prefix}/${t}/`)))
      throw new UsageError(`--tenants ${t}: no object under ${seed.prefix}/${t}/ in the seed record of ${from.name}`);
  const fc = await preflight(front);
  await preflight(from);
  await preflight(to);
  await checkStartingState(front, from, to);

  const id = runId(`cutover-${to.name}`, 'millisecond');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const writePrefix = `cutover-${id}/`;
  // The mix writes under the run's prefix: whatever carries the clients' writes across the switch carries
  // its writes too, and what removes the run's objects removes them.
  const mixPrefix = `${writePrefix}consistency/`;
  const mixLog = o.consistency ? new MixLog() : null;
  // A tenant's writes go under its own prefix, so that moving the tenant moves them with its reads.
  const tenantWrites = (t: string) => `${seed.prefix}/${t}/${writePrefix}`;
  // The target holds the dataset before the cutover, as after a migration.
  const syncs = [
    new DeltaSync(access(from), access(to), `${seed.prefix}/`),
    new DeltaSync(access(from), access(to), writePrefix),
  ];
  await syncs[0].run();
  writeFileSync(join(dir, 'objects.json'), JSON.stringify(objects));
  const tenantSyncs = new Map(tenants.map((t) => [t, syncs[0].scoped(`${seed.prefix}/${t}/`)]));
  const pathBase = front.addressing === 'virtual' ? '' : `/${front.bucket}`;

  const settings = {
    RATE: String(o.rate),
    DURATION: `${o.duration}s`,
    WRITE_PREFIX: writePrefix,
    OBJECTS: join(dir, 'objects.json'),
    TENANTS: JSON.stringify(
      tenants.map((t) => ({ name: t, key_prefix: `${seed.prefix}/${t}/`, write_prefix: tenantWrites(t) })),
    ),
    NO_REUSE: String(o.noReuse),
    ...(o.consistency ? mixSettings(o.consistency, mixPrefix) : {}),
  };
  const secrets = secretsOf([front, from, to].map(credentialsOf));
  const writes: WriteEvent[] = [];
  const deleted = new Map<string, DeletedEvent>();
  const stateReads: StateReadEvent[] = [];
  let loadStarted = 0;
  let onLoad: () => void = () => undefined;
  const loadBegins = new Promise<void>((r) => (onLoad = r));
  const exited = launch({
    scenario: 'cutover',
    dir,
    settings,
    target: { profile: front, credentials: fc },
    others: [from, to].map(credentialsOf),
    samples: true,
    jsonLog: true,
    onLine: (line) => {
      if (mixLog?.take(line)) return;
      const e = cutoverEvent(line);
      if (e?.event === 'load') {
        loadStarted = e.t;
        onLoad();
      } else if (e?.event === 'write') writes.push(e);
      else if (e?.event === 'delete') deleted.set(e.key, e);
      else if (e?.event === 'state-read') stateReads.push(e);
    },
  });

  // The procedure at --at (or each step's), then what the final host lacks of the writes acknowledged
  // so far (RPO).
  const finalHost = plan?.steps.some((s) => s.kind === 'rollback') ? from : to;
  const baseEnv = {
    SNDSBENCH_FRONT: front.name,
    SNDSBENCH_FROM: from.name,
    SNDSBENCH_TO: to.name,
    SNDSBENCH_WRITE_PREFIX: plan?.mode === 'tenant' ? tenants.map(tenantWrites).join(',') : writePrefix,
    ...haproxyEnv(front),
  };
  let procedure = { command: o.procedure, start: 0, end: 0, exit: -1, output: '' };
  let runs: StepRun[] = [];
  let rpo = { objects: 0, bytes: 0 };
  const started = await Promise.race([loadBegins.then(() => true), exited.then(() => false)]);
  if (started && plan) {
    const movers = {
      all: syncs,
      tenant: (t: string) => tenantSyncs.get(t)!,
      pathPrefix: (t: string) => `${pathBase}/${seed.prefix}/${t}/`,
    };
    runs = await runSteps(plan, loadStarted, front, o.procedure, baseEnv, movers, exited);
    runs.forEach((r) => (r.output = redact(r.output, secrets)));
    const failed = runs.find((r) => r.exit !== 0);
    procedure = {
      command: o.procedure,
      start: runs[0]?.start ?? 0,
      end: runs[runs.length - 1]?.end ?? 0,
      exit: runs.length === plan.steps.length ? (failed?.exit ?? 0) : -1,
      output: runs.map((r) => `step ${r.step.index} (${stepName(r)}): exit ${r.exit}\n${r.output}`).join('\n'),
    };
  } else if (started) {
    await new Promise((r) => setTimeout(r, Math.max(0, loadStarted + o.at * 1000 - Date.now())));
    const start = Date.now();
    let result: { exit: number; output: string };
    try {
      result =
        o.procedure === 'reference'
          ? { exit: 0, output: await referenceProcedure(front, syncs) }
          : await runCommand(o.procedure, baseEnv);
    } catch (e) {
      result = { exit: 1, output: (e as Error).message };
    }
    procedure = {
      command: o.procedure,
      start,
      end: Date.now(),
      exit: result.exit,
      output: redact(result.output, secrets),
    };
  }
  if (started) {
    const acked = writes.filter((w) => w.t <= procedure.end && w.version === undefined && !deleted.has(w.key));
    const absent = await missingOn(finalHost, acked);
    rpo = { objects: absent.length, bytes: absent.reduce((s, w) => s + w.bytes, 0) };
  }
  const load = await exited;
  mixLog?.save(dir);
  writeFileSync(join(dir, 'procedure.log'), `${procedure.command}\nexit ${procedure.exit}\n${procedure.output}\n`);
  if (load.error) throw load.error;

  const progress = plan ? { plan, runs, finalHost } : null;
  const hosts = { front, from, to, final: finalHost };
  const mix = mixLog && o.consistency ? { log: mixLog, options: o.consistency, prefix: mixPrefix } : null;
  const report = await analyse(
    o,
    dir,
    id,
    hosts,
    procedure,
    loadStarted,
    writes,
    deleted,
    stateReads,
    rpo,
    progress,
    mix,
  );
  // A tenant's writes sit among the dataset's objects: removed from both hosts once judged.
  for (const t of tenants) await Promise.all([from, to].map((h) => removeAll(access(h), tenantWrites(t))));
  const result: CutoverResult = { ...report, runner: load.runner };
  writeAtomic(join(dir, 'cutover.json'), JSON.stringify(result, null, 1) + '\n');
  const workload = {
    scenario: 'cutover',
    front: front.name,
    from: from.name,
    rate: o.rate,
    duration_s: o.duration,
    ...(plan
      ? {
          steps: plan.steps.map(stepName),
          step_every_s: plan.every,
        }
      : { at_s: o.at }),
    procedure: o.procedure,
    no_reuse: o.noReuse,
    objects: objects.length,
    ...(o.consistency ? { consistency: o.consistency } : {}),
  };
  writeAtomic(
    join(dir, 'manifest.json'),
    JSON.stringify(
      runManifest({
        kind: 'cutover',
        id,
        host: to.name,
        provider: to.provider,
        scenario: 'cutover',
        workload,
        object_sizes: sizes(objects.map((x) => x.bytes)),
        tools: { runner: load.runner },
      }),
      null,
      1,
    ),
  );
  const text = describe(report);
  writeFileSync(join(dir, 'verdict.txt'), text + '\n');
  return { dir, report, text, exitCode: report.verdict === 'PASS' ? 0 : 1 };
}

async function analyse(
  o: CutoverOptions,
  dir: string,
  id: string,
  hosts: { front: HostProfile; from: HostProfile; to: HostProfile; final: HostProfile },
  procedure: CutoverReport['procedure'],
  loadStarted: number,
  writes: WriteEvent[],
  deleted: Map<string, DeletedEvent>,
  stateReads: StateReadEvent[],
  rpo: CutoverReport['rpo'],
  progress: Progress | null,
  mixRun: { log: MixLog; options: MixOptions; prefix: string } | null,
): Promise<CutoverReport> {
  const samples = await readSamples(join(dir, 'samples.json.gz'));
  const summary = readSummary(join(dir, 'summary.json'));
  const t0 = loadStarted || samples[0]?.start || 0;

  const timeline: CutoverReport['timeline'] = [];
  for (const s of samples) {
    const second = Math.floor((s.start - t0) / 1000);
    while (timeline.length <= second) timeline.push({ second: timeline.length, ok: 0, errors: 0, p99_ms: 0 });
  }
  const perSecond = timeline.map(() => new Histogram());
  for (const s of samples) {
    const i = Math.max(0, Math.floor((s.start - t0) / 1000));
    if (s.ok) timeline[i].ok++;
    else timeline[i].errors++;
    perSecond[i].add(s.ms);
  }
  perSecond.forEach((h, i) => (timeline[i].p99_ms = h.count ? Math.round(h.percentile(99)) : 0));

  // The switch window: from the procedure's start to its end (at least one second); a progressive
  // cutover has one per step, and its window figures are over all of them.
  const windows = progress?.runs.length ? progress.runs.map(windowOf) : [windowOf(procedure)];
  const inWindow = samples.filter((s) => windows.some(([a, b]) => s.start >= a && s.start <= b));
  const wh = new Histogram();
  for (const s of inWindow) wh.add(s.ms);
  const wErrors = inWindow.filter((s) => !s.ok).length;
  const where = { host: hosts.front.name, prefix: mixRun?.prefix ?? '', t0, removed: null, windows };
  const mix: MixFigures | null = mixRun ? mixFigures(mixRun.log, mixRun.options, where) : null;

  // A deleted object is not a lost write: it must be gone from the host serving at the end.
  const live = writes.filter((w) => !deleted.has(w.key));
  const lost = procedure.start ? await missingOn(hosts.final, live) : [];
  // As reads during a switch are, a delete the host serving at the end acknowledged during one is counted
  // apart and not judged: a client just moved there may delete an object the sync has yet to copy.
  const still = procedure.start ? await presentOn(hosts.final, [...deleted.keys()]) : [];
  const finalServer = hosts.final === hosts.from ? 'source' : NEW_HOST;
  const inWindows = (key: string) => {
    const d = deleted.get(key)!;
    return d.host === finalServer && windows.some(([a, b]) => d.t >= a && d.t <= b);
  };
  const resurrected = still.filter((k) => !inWindows(k));
  const steps = progress
    ? await progressiveFigures(join(dir, 'samples.json.gz'), progress, t0, writes, stateReads, lost)
    : null;
  // The single switch: the longest run of consecutive failures of all requests; progressive, per host
  // (clients on the other host succeed meanwhile), the longest of them.
  const longest = steps ? Math.max(0, ...Object.values(steps.longest_failure_by_host)) : longestFailure(samples);
  const stale = steps
    ? steps.steps.reduce((n, s) => n + s.stale_reads, 0)
    : stateReads.filter((r) => r.start >= procedure.end && r.got < r.expected).length;
  const integrity = stat(summary, 'cutover_integrity_failures', 'count');
  const report: CutoverReport = {
    id,
    front: hosts.front.name,
    from: hosts.from.name,
    to: hosts.to.name,
    procedure,
    load_started: t0,
    requests: samples.length,
    errors: samples.filter((s) => !s.ok).length,
    dropped_iterations: stat(summary, 'dropped_iterations', 'count'),
    window: {
      start: windows[0][0],
      end: windows[windows.length - 1][1],
      requests: inWindow.length,
      errors: wErrors,
      error_rate: inWindow.length ? wErrors / inWindow.length : 0,
      p99_ms: wh.count ? wh.percentile(99) : 0,
      max_ms: wh.count ? wh.max : 0,
    },
    longest_failure_s: longest,
    acknowledged_writes: writes.length,
    lost_writes: lost.map((w) => w.key).sort(),
    deletes: deleted.size,
    resurrected,
    window_resurrected: still.filter(inWindows),
    stale_reads: stale,
    integrity_failures: integrity,
    rpo,
    timeline,
    ...(steps ? { progressive: steps } : {}),
    ...(mix ? { consistency: mix } : {}),
    thresholds: o.thresholds,
    failed: [],
    verdict: 'PASS',
  };
  const t = o.thresholds;
  const checks: [boolean, string][] = [
    [procedure.exit === 0, `the procedure exited with ${procedure.exit}`],
    [report.lost_writes.length <= t.lost_writes, `lost writes ${report.lost_writes.length} > ${t.lost_writes}`],
    [
      resurrected.length <= (t.resurrected ?? 0),
      `deleted objects still on ${hosts.final.name} ${resurrected.length} > ${t.resurrected ?? 0}`,
    ],
    [stale <= t.stale_reads, `stale reads ${stale} > ${t.stale_reads}`],
    [integrity <= t.integrity_failures, `integrity failures ${integrity} > ${t.integrity_failures}`],
    [
      report.window.error_rate <= t.window_error_rate,
      `error rate in the switch window ${pct(report.window.error_rate)} > ${pct(t.window_error_rate)}`,
    ],
    [longest <= t.longest_failure_s, `longest failure run ${longest.toFixed(2)} s > ${t.longest_failure_s} s`],
  ];
  if (steps) {
    const ryw = steps.ryw_violations;
    const back = steps.rollback_lost_writes?.length ?? 0;
    checks.push([ryw <= (t.ryw_violations ?? 0), `read-your-writes violations ${ryw} > ${t.ryw_violations ?? 0}`]);
    checks.push([
      back <= (t.rollback_lost_writes ?? 0),
      `writes lost by the rollback ${back} > ${t.rollback_lost_writes ?? 0}`,
    ]);
  }
  if (mix) {
    // Held to the cutover's thresholds (0 by default), as `sndsbench consistency` holds a host to 0.
    const [anomalies, races] = [anomalyCount(mix), mix.conditional.races_lost];
    const [maxAnomalies, maxRaces] = [t.consistency_anomalies ?? 0, t.conditional_races_lost ?? 0];
    const kinds = mix.failed.filter((f) => / anomalies /.test(f)).join(', ');
    checks.push([anomalies <= maxAnomalies, `consistency anomalies ${anomalies} > ${maxAnomalies} (${kinds})`]);
    checks.push([races <= maxRaces, `conditional rounds without one winner ${races} > ${maxRaces}`]);
    const checked = mix.failed.find((f) => f.startsWith('no read'));
    if (checked) checks.push([false, `consistency mix: ${checked}`]);
  }
  report.failed = checks.filter(([ok]) => !ok).map(([, why]) => why);
  report.verdict = report.failed.length ? 'FAIL' : 'PASS';
  return report;
}

const pct = (rate: number) => `${(rate * 100).toFixed(2)}%`;

function describe(r: CutoverReport): string {
  const rel = (t: number) => ((t - r.load_started) / 1000).toFixed(1);
  return [
    `cutover ${r.from} -> ${r.to} through ${r.front}: ${r.requests.toLocaleString('en')} requests, ` +
      `${r.errors} errors, ${r.dropped_iterations} dropped iterations`,
    `procedure: ${r.procedure.command} from ${rel(r.procedure.start)} s to ${rel(r.procedure.end)} s, ` +
      `exit ${r.procedure.exit}`,
    `switch window: ${r.window.requests} requests, error rate ${pct(r.window.error_rate)}, ` +
      `p99 ${r.window.p99_ms.toFixed(0)} ms, max ${r.window.max_ms.toFixed(0)} ms`,
    `acknowledged writes: ${r.acknowledged_writes}`,
    `lost writes: ${r.lost_writes.length}`,
    `deletes: ${r.deletes}, deleted objects still on the host serving at the end: ${r.resurrected.length}` +
      (r.window_resurrected.length ? ` (and ${r.window_resurrected.length} deleted during a switch, not judged)` : ''),
    `stale reads: ${r.stale_reads}`,
    `integrity failures: ${r.integrity_failures}`,
    `observed downtime (longest failure run): ${r.longest_failure_s.toFixed(2)} s`,
    `RPO at the switch: ${r.rpo.objects} objects, ${r.rpo.bytes} bytes acknowledged but absent from the target`,
    ...(r.progressive ? describeSteps(r) : []),
    ...(r.consistency ? describeBeside(r.consistency) : []),
    `verdict: ${r.verdict}${r.failed.length ? ' — ' + r.failed.join('; ') : ''}`,
  ].join('\n');
}
