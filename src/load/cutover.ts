// `sndsbench cutover`: load through the front for the whole run, the switch procedure at --at, then
// the evidence: every acknowledged write checked on the target, reads after the switch checked for
// the latest version, a per-second timeline, the switch window's error rate and latency, the longest
// run of failures, and the data acknowledged on the source but absent from the target at the switch.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { credentialsOf, loadProfile, type HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access, DeltaSync } from '../hosts/sync.js';
import { writeAtomic } from '../util/files.js';
import { Histogram } from '../util/histogram.js';
import { runManifest, sizes } from './provenance.js';
import { preflight } from '../hosts/preflight.js';
import { seedRecord } from '../contracts/dataset.js';
import { cutoverEvent, type StateReadEvent, type WriteEvent } from '../contracts/events.js';
import { stat } from '../contracts/k6.js';
import {
  readPoints,
  readSummary,
  type CutoverReport,
  type CutoverResult,
  type Thresholds,
} from '../contracts/results.js';
import { haproxy } from '../hosts/haproxy.js';
import { checkStartingState } from './starting-state.js';
import { k6Binary, k6Env, k6Failure, k6Version, redact, runId, runK6, secretsOf, targetEnv } from './k6.js';
import { checkProcedure } from './procedure.js';

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
}

export const DEFAULT_THRESHOLDS: Thresholds = {
  lost_writes: 0,
  stale_reads: 0,
  integrity_failures: 0,
  window_error_rate: 0.001,
  longest_failure_s: 1,
};

interface Sample {
  start: number;
  end: number;
  ok: boolean;
  ms: number;
}

/** The lab's own procedure: final delta sync, HAProxy switch through its runtime API, post-switch delta sync. */
async function referenceProcedure(front: HostProfile, syncs: DeltaSync[]): Promise<string> {
  const h = front.haproxy!;
  const lines: string[] = [];
  for (const s of syncs) {
    const r = await s.run();
    lines.push(`final delta sync: ${r.objects} objects, ${r.bytes} bytes, ${r.deleted} deleted`);
  }
  await haproxy(h.socket, `set server ${h.backend}/target state ready`);
  await haproxy(h.socket, `set server ${h.backend}/source state maint`);
  lines.push(`switched ${h.backend} from source to target`);
  for (const s of syncs) {
    const r = await s.run();
    lines.push(`post-switch delta sync: ${r.objects} objects, ${r.bytes} bytes, ${r.deleted} deleted`);
  }
  return lines.join('\n');
}

function runCommand(command: string, env: Record<string, string>): Promise<{ exit: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('exit', (code) => resolve({ exit: code ?? 1, output }));
  });
}

export async function cutover(
  o: CutoverOptions,
): Promise<{ dir: string; report: CutoverReport; text: string; exitCode: number }> {
  if (o.at >= o.duration) throw new UsageError(`--at ${o.at}s must come before the end of --duration ${o.duration}s`);
  checkProcedure(o.procedure);
  const front = loadProfile(o.front);
  const from = loadProfile(o.from);
  const to = loadProfile(o.to);
  if (o.procedure === 'reference' && !front.haproxy)
    throw new UsageError(
      `--procedure reference switches an HAProxy front: ${front.name} has no haproxy socket in its profile`,
    );
  const seed = seedRecord(o.dataset, from.name);
  const fc = await preflight(front);
  await preflight(from);
  await preflight(to);
  await checkStartingState(front, from, to);
  const k6 = k6Binary();

  const id = runId(`cutover-${to.name}`, 'millisecond');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const writePrefix = `cutover-${id}/`;
  // The target holds the dataset before the cutover, as after a migration.
  const syncs = [
    new DeltaSync(access(from), access(to), `${seed.prefix}/`),
    new DeltaSync(access(from), access(to), writePrefix),
  ];
  await syncs[0].run();
  const objects = seed.objects.filter((x) => x.sha256 && x.bytes > 0 && !x.key.endsWith('.json'));
  writeFileSync(join(dir, 'objects.json'), JSON.stringify(objects));

  const env = k6Env(dir, [front], {
    RATE: String(o.rate),
    DURATION: `${o.duration}s`,
    WRITE_PREFIX: writePrefix,
    OBJECTS: join(dir, 'objects.json'),
    NO_REUSE: String(o.noReuse),
    ...targetEnv(front, fc),
    SUMMARY_JSON: join(dir, 'summary.json'),
  });
  const args = [
    'run',
    '--quiet',
    '--log-format',
    'json',
    '--out',
    `json=${join(dir, 'samples.json.gz')}`,
    projectPath('scenarios', 'cutover.ts'),
  ];
  const secrets = secretsOf([front, from, to].map(credentialsOf));
  const writes: WriteEvent[] = [];
  const stateReads: StateReadEvent[] = [];
  let loadStarted = 0;
  let onLoad: () => void = () => undefined;
  const loadBegins = new Promise<void>((r) => (onLoad = r));
  const exited = runK6(k6, args, env, (line) => {
    const e = cutoverEvent(line);
    if (e?.event === 'load') {
      loadStarted = e.t;
      onLoad();
    } else if (e?.event === 'write') writes.push(e);
    else if (e?.event === 'state-read') stateReads.push(e);
  });

  // The procedure at --at, then what the target lacks of the writes acknowledged so far (RPO).
  let procedure = { command: o.procedure, start: 0, end: 0, exit: -1, output: '' };
  let rpo = { objects: 0, bytes: 0 };
  const started = await Promise.race([loadBegins.then(() => true), exited.then(() => false)]);
  if (started) {
    await new Promise((r) => setTimeout(r, Math.max(0, loadStarted + o.at * 1000 - Date.now())));
    const start = Date.now();
    let result: { exit: number; output: string };
    try {
      result =
        o.procedure === 'reference'
          ? { exit: 0, output: await referenceProcedure(front, syncs) }
          : await runCommand(o.procedure, {
              SNDSBENCH_FRONT: front.name,
              SNDSBENCH_FROM: from.name,
              SNDSBENCH_TO: to.name,
              SNDSBENCH_WRITE_PREFIX: writePrefix,
              ...haproxyEnv(front),
            });
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
    const acked = writes.filter((w) => w.t <= procedure.end && w.version === undefined);
    const absent = await missingOnTarget(to, acked);
    rpo = { objects: absent.length, bytes: absent.reduce((s, w) => s + w.bytes, 0) };
  }
  const { code, log } = await exited;
  writeFileSync(join(dir, 'k6.log'), redact(log, secrets));
  writeFileSync(join(dir, 'procedure.log'), `${procedure.command}\nexit ${procedure.exit}\n${procedure.output}\n`);
  if (!existsSync(join(dir, 'summary.json')))
    throw k6Failure(log, `k6 exited with ${code}`, secrets, join(dir, 'k6.log'));

  const report = await analyse(o, dir, id, { front, from, to }, procedure, loadStarted, writes, stateReads, rpo);
  const version = k6Version(k6);
  const result: CutoverResult = { ...report, k6: version };
  writeAtomic(join(dir, 'cutover.json'), JSON.stringify(result, null, 1) + '\n');
  const workload = {
    scenario: 'cutover',
    front: front.name,
    from: from.name,
    rate: o.rate,
    duration_s: o.duration,
    at_s: o.at,
    procedure: o.procedure,
    no_reuse: o.noReuse,
    objects: objects.length,
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
        tools: { k6: version },
      }),
      null,
      1,
    ),
  );
  const text = describe(report);
  writeFileSync(join(dir, 'verdict.txt'), text + '\n');
  return { dir, report, text, exitCode: report.verdict === 'PASS' ? 0 : 1 };
}

function haproxyEnv(front: HostProfile): Record<string, string> {
  const h = front.haproxy;
  return h ? { SNDSBENCH_HAPROXY_SOCKET: h.socket, SNDSBENCH_HAPROXY_BACKEND: h.backend } : {};
}

/** The writes the target does not hold with the same SHA-256 (the last version of each key). */
async function missingOnTarget(to: HostProfile, writes: WriteEvent[]): Promise<WriteEvent[]> {
  const last = new Map<string, WriteEvent>();
  for (const w of writes) if ((last.get(w.key)?.version ?? -1) <= (w.version ?? 0)) last.set(w.key, w);
  const a = access(to);
  const missing: WriteEvent[] = [];
  const todo = [...last.values()];
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const w = todo[next++];
      const r = await s3Request(a, 'GET', w.key);
      if (r.status !== 200 || createHash('sha256').update(r.body).digest('hex') !== w.sha256) missing.push(w);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return missing;
}

/** Every request's span and outcome, in the order they started. */
async function readSamples(path: string): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const p of readPoints(path, ['http_req_duration'])) {
    const end = Date.parse(p.data.time);
    out.push({ end, start: end - p.data.value, ok: p.data.tags.expected_response === 'true', ms: p.data.value });
  }
  return out.sort((a, b) => a.start - b.start);
}

async function analyse(
  o: CutoverOptions,
  dir: string,
  id: string,
  hosts: { front: HostProfile; from: HostProfile; to: HostProfile },
  procedure: CutoverReport['procedure'],
  loadStarted: number,
  writes: WriteEvent[],
  stateReads: StateReadEvent[],
  rpo: CutoverReport['rpo'],
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

  // The switch window: from the procedure's start to its end (at least one second).
  const wStart = procedure.start;
  const wEnd = Math.max(procedure.end, procedure.start + 1000);
  const inWindow = samples.filter((s) => s.start >= wStart && s.start <= wEnd);
  const wh = new Histogram();
  for (const s of inWindow) wh.add(s.ms);
  const wErrors = inWindow.filter((s) => !s.ok).length;

  // Longest run of consecutive failed requests, from the first one's start to the last one's end.
  let longest = 0;
  let runStart = -1;
  let runEnd = 0;
  for (const s of samples) {
    if (s.ok) {
      runStart = -1;
      continue;
    }
    if (runStart < 0) [runStart, runEnd] = [s.start, s.end];
    runEnd = Math.max(runEnd, s.end);
    longest = Math.max(longest, (runEnd - runStart) / 1000);
  }

  const lost = procedure.start ? await missingOnTarget(hosts.to, writes) : [];
  const stale = stateReads.filter((r) => r.start >= procedure.end && r.got < r.expected).length;
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
      start: wStart,
      end: wEnd,
      requests: inWindow.length,
      errors: wErrors,
      error_rate: inWindow.length ? wErrors / inWindow.length : 0,
      p99_ms: wh.count ? wh.percentile(99) : 0,
      max_ms: wh.count ? wh.max : 0,
    },
    longest_failure_s: longest,
    acknowledged_writes: writes.length,
    lost_writes: lost.map((w) => w.key).sort(),
    stale_reads: stale,
    integrity_failures: integrity,
    rpo,
    timeline,
    thresholds: o.thresholds,
    failed: [],
    verdict: 'PASS',
  };
  const t = o.thresholds;
  const checks: [boolean, string][] = [
    [procedure.exit === 0, `the procedure exited with ${procedure.exit}`],
    [report.lost_writes.length <= t.lost_writes, `lost writes ${report.lost_writes.length} > ${t.lost_writes}`],
    [stale <= t.stale_reads, `stale reads ${stale} > ${t.stale_reads}`],
    [integrity <= t.integrity_failures, `integrity failures ${integrity} > ${t.integrity_failures}`],
    [
      report.window.error_rate <= t.window_error_rate,
      `error rate in the switch window ${pct(report.window.error_rate)} > ${pct(t.window_error_rate)}`,
    ],
    [longest <= t.longest_failure_s, `longest failure run ${longest.toFixed(2)} s > ${t.longest_failure_s} s`],
  ];
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
    `stale reads: ${r.stale_reads}`,
    `integrity failures: ${r.integrity_failures}`,
    `observed downtime (longest failure run): ${r.longest_failure_s.toFixed(2)} s`,
    `RPO at the switch: ${r.rpo.objects} objects, ${r.rpo.bytes} bytes acknowledged but absent from the target`,
    `verdict: ${r.verdict}${r.failed.length ? ' — ' + r.failed.join('; ') : ''}`,
  ].join('\n');
}
