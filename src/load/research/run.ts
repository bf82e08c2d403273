// `sndsbench research --host H --dataset D --researchers N`: checks everything it can before a request is
// sent (N, the query file, the dataset and its seed record on the host), computes each query's expected
// answer with DuckDB on the local copy and the reader's predicted requests, gives each researcher its own
// project's extraction (a server-side copy of the files the queries read, under the run's prefix), runs
// the research scenario in k6 and writes results/<run-id>/ (research.json, manifest.json, the k6 log).
import { requestCaps } from '../../hosts/limits.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../../util/errors.js';
import { writeAtomic } from '../../util/files.js';
import { forEachLimited } from '../../util/pool.js';
import { datasetManifests, seedRecord, type Manifest } from '../../contracts/dataset.js';
import { researchEvent, type ResearchEvent } from '../../contracts/events.js';
import { loadProfile, type HostProfile } from '../../hosts/profile.js';
import { preflight } from '../../hosts/preflight.js';
import { access, removeAll } from '../../hosts/sync.js';
import { s3Request } from '../../hosts/s3node.js';
import { uriEncode } from '../../../scenarios/lib/sigv4.js';
import { launch, runId, runnerCommand } from '../launcher.js';
import { runManifest } from '../provenance.js';
import { ARROW_MERGE, READER_DEFAULTS, type ReaderSettings } from '../../../scenarios/lib/research/ranges.js';
import type { ResearchPlan } from '../../../scenarios/lib/research/query.js';
import { DEFAULT_QUERIES, loadQueries, resolveQueries } from './queries.js';
import { expectedAnswers } from './expected.js';
import { backoffMs, isThrottled, retryAfterSeconds } from '../../../scenarios/lib/backoff.js';
import { measuredRequestMs, predictQueries, researcherRate, researchersWithin, type QueryCost } from './predict.js';
import { summarise, type ResearchResult } from './summary.js';

export interface ResearchOptions {
  host: string;
  dataset: string;
  researchers: number;
  queries?: string;
  /** Seconds per researcher count when researchers join one at a time (0: all from the start). */
  ramp: number;
  duration: number;
  think: number;
  burst: number;
  /** One copy of the extraction per researcher (true), or all reading the seeded dataset. */
  projects: boolean;
  reader: Partial<ReaderSettings> & { preset?: 'duckdb' | 'arrow' };
  check: 'setup' | 'first' | 'every' | 'none';
  results: string;
  /** Request time the capacity prediction takes; by default the one measured in the check pass. */
  requestMs?: number;
}

/** The request time `plan` assumes, and `research` when it measured none (--check none). */
const ASSUMED_REQUEST_MS = 50;

export interface ResearchRun {
  dir: string;
  exitCode: number;
  result: ResearchResult;
}

/** The reader's settings: DuckDB's merging by default, Arrow's with preset arrow, then each knob given. */
export function readerSettings(r: ResearchOptions['reader']): ReaderSettings {
  const { preset, ...knobs } = r;
  const base = { ...READER_DEFAULTS, ...(preset === 'arrow' ? ARROW_MERGE : {}) };
  const set = Object.fromEntries(Object.entries(knobs).filter(([, v]) => v !== undefined));
  return { ...base, ...set };
}

/** Everything that can be refused without a request: returns the dataset's files and the seed prefix. */
export function checkResearch(o: ResearchOptions) {
  if (!Number.isInteger(o.researchers) || o.researchers < 1)
    throw new UsageError(`--researchers must be a whole number of at least 1, got ${o.researchers}`);
  const queries = loadQueries(o.queries ?? DEFAULT_QUERIES);
  const dataset = resolve(o.dataset);
  if (!existsSync(dataset)) throw new UsageError(`no dataset at ${dataset}`);
  const manifests = datasetManifests(dataset);
  if (manifests.length === 0) throw new UsageError(`${dataset} has no _manifest.json: generate a dataset first`);
  const files = manifests.flatMap((m) => (JSON.parse(readFileSync(join(dataset, m), 'utf8')) as Manifest).files);
  const p = loadProfile(o.host);
  let seeded;
  try {
    seeded = seedRecord(dataset, p.name);
  } catch {
    throw new UsageError(
      `the dataset ${dataset} is not on ${p.name}: run "sndsbench seed ${dataset} --host ${p.name}"`,
    );
  }
  const resolved = resolveQueries(queries, dataset, files);
  const onHost = new Set(seeded.objects.map((x) => x.key));
  const absent = resolved.flatMap((r) => r.files).find((f) => !onHost.has(`${seeded.prefix}/${f.path}`));
  if (absent) throw new UsageError(`the dataset on ${p.name} lacks ${absent.path}: seed it again`);
  return { profile: p, dataset, resolved, prefix: seeded.prefix };
}

/** A throttled copy is tried again after a backoff, up to this many times, as the S3 SDKs do. */
const COPY_ATTEMPTS = 30;

/** Copies the files the queries read under `to`, server-side (CopyObject), 8 at a time; a host that
 * throttles them (a per-bucket cap) is backed off. */
async function copyExtraction(p: HostProfile, from: string, to: string, paths: string[]): Promise<void> {
  const a = access(p);
  await forEachLimited(paths, 8, async (path) => {
    const source = uriEncode(`/${p.bucket}/${from}/${path}`, true);
    for (let attempt = 1; ; attempt++) {
      const r = await s3Request(a, 'PUT', `${to}/${path}`, { headers: { 'x-amz-copy-source': source } }, 60_000);
      if (r.status === 200) return;
      if (!isThrottled(r.status) || attempt >= COPY_ATTEMPTS)
        throw new Error(`copying ${from}/${path} on ${p.name} answered ${r.status}`);
      const after = retryAfterSeconds(r.headers['retry-after'] as string | undefined, Date.now());
      await new Promise((ok) => setTimeout(ok, backoffMs(attempt, after, Math.random())));
    }
  });
}

export async function research(o: ResearchOptions): Promise<ResearchRun> {
  const { profile: p, dataset, resolved, prefix } = checkResearch(o);
  const settings = readerSettings(o.reader);
  runnerCommand();
  const expected = await expectedAnswers(resolved, dataset);
  const predicted = predictQueries(resolved, dataset, settings);
  const c = await preflight(p);
  const id = runId(`research-${p.name}`, 'second');
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const own = `sndsbench-${id}`;
  const paths = [...new Set(resolved.flatMap((r) => r.files.map((f) => f.path)))].sort();
  const projects = o.projects ? Array.from({ length: o.researchers }, (_, i) => `${own}/project-${i + 1}`) : [prefix];
  try {
    for (const project of o.projects ? projects : []) await copyExtraction(p, prefix, project, paths);
    const plan: ResearchPlan = {
      queries: resolved.map((r) => ({ ...r, expected: expected.get(r.query.id)! })),
      projects,
    };
    const planFile = join(dir, 'research-plan.json');
    writeAtomic(planFile, JSON.stringify(plan));
    const vars: Record<string, string> = {
      RESEARCH_PLAN: planFile,
      RESEARCHERS: String(o.researchers),
      DURATION: `${o.duration}s`,
      RAMP: String(o.ramp),
      THINK: String(o.think),
      BURST: String(o.burst),
      CHECK: o.check,
      MERGE_GAP: String(settings.mergeGap),
      MERGE_MAX: String(settings.mergeMax),
      READ_AHEAD: settings.readAhead ? 'on' : 'off',
      INFLIGHT: String(settings.inflight),
      FOOTER_BYTES: String(settings.footerBytes),
    };
    const events: ResearchEvent[] = [];
    const done = await launch({
      scenario: 'research',
      dir,
      settings: vars,
      target: { profile: p, credentials: c },
      jsonLog: true,
      onLine: (line) => {
        const e = researchEvent(line);
        if (e) events.push(e);
      },
    });
    if (done.error) throw done.error;
    // The request time the prediction takes: given, or measured by the check pass (one reader alone on the
    // host before the load), or the 50 ms `plan` assumes when nothing was measured.
    const measured = measuredRequestMs(events.filter((e) => e.researcher === 0));
    const requestMs = o.requestMs ?? measured ?? ASSUMED_REQUEST_MS;
    const rate = researcherRate(predicted, requestMs);
    const cap = requestCaps(p.limits).read;
    const result = summarise(events, predicted, {
      host: p.name,
      researchers: o.researchers,
      reader: settings,
      requestMs,
      requestMsSource: o.requestMs !== undefined ? 'given' : measured !== null ? 'measured' : 'assumed',
      requestMsMeasured: measured,
      predictedRate: rate,
      cap,
      predictedCapacity: cap ? researchersWithin(cap, rate) : null,
    });
    writeAtomic(join(dir, 'research.json'), JSON.stringify(result, null, 1));
    const exitCode = done.code !== 0 || result.wrong.length > 0 ? 1 : 0;
    const runner = done.runner;
    writeAtomic(
      join(dir, 'manifest.json'),
      JSON.stringify(
        runManifest({
          kind: 'research',
          id,
          host: p.name,
          provider: p.provider,
          scenario: 'research',
          workload: {
            scenario: 'research',
            researchers: o.researchers,
            ramp: o.ramp,
            duration: o.duration,
            think: o.think,
            burst: o.burst,
            queries: resolved.map((r) => r.query.id).join(','),
            reader: JSON.stringify(settings),
          },
          object_sizes: null,
          tools: { runner },
        }),
        null,
        1,
      ),
    );
    return { dir, exitCode, result };
  } finally {
    if (o.projects)
      await removeAll(access(p), `${own}/`).catch((e: Error) =>
        console.error(`sndsbench: warning: the extractions under ${own}/ on ${p.name} were not removed: ${e.message}`),
      );
  }
}

export type { QueryCost };
