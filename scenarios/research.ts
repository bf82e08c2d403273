// Research: N researchers, each on its own project's extraction, run an analyst's queries through a real
// Parquet reader (hyparquet) that asks the host for byte ranges, several in flight. Each query's time is
// the wait on storage (footers the first time, then column chunks); its answer is decoded and checked
// against DuckDB's on the local copy of the dataset (RESEARCH_PLAN, written by `sndsbench research`).
// Between queries a researcher thinks; queries come in bursts. With RAMP set, researchers join one at a
// time, every RAMP seconds, up to RESEARCHERS: where the time to answer grows or throttling starts.
import exec from 'k6/execution';
import { Counter, Trend } from 'k6/metrics';
import { S3, targetFromEnv } from './lib/s3.ts';
import { summaryOutputs } from './lib/summary.ts';
import { delay } from './lib/delay.ts';
import { ParquetReader } from './lib/research/reader.ts';
import { READER_DEFAULTS, type FileRead, type ReaderSettings } from './lib/research/ranges.ts';
import { activeResearchers, rampStages } from './lib/research/ramp.ts';
import { difference, execute, type Answer, type Query, type ResearchPlan } from './lib/research/query.ts';
import type { ResearchEvent } from '../src/contracts/events.ts';

declare const console: { log(message: string): void };

if (!__ENV.RESEARCH_PLAN) throw new Error('research needs RESEARCH_PLAN (written by sndsbench research)');
const PLAN = JSON.parse(open(__ENV.RESEARCH_PLAN)) as ResearchPlan;
const RESEARCHERS = Number(__ENV.RESEARCHERS || 1);
const DURATION = __ENV.DURATION || '30s';
const RAMP = Number(__ENV.RAMP || 0);
const THINK = Number(__ENV.THINK ?? 5);
const BURST = Math.max(1, Number(__ENV.BURST || 3));
// Answers are decoded and checked in a pass over every query before the load (setup), and also during it:
// first (each researcher's first run of each query, on its own copy), every (each run); none checks nothing.
const CHECK = __ENV.CHECK || 'setup';
const num = (k: string, d: number) => (__ENV[k] === undefined || __ENV[k] === '' ? d : Number(__ENV[k]));
const SETTINGS: ReaderSettings = {
  mergeGap: num('MERGE_GAP', READER_DEFAULTS.mergeGap),
  mergeMax: num('MERGE_MAX', READER_DEFAULTS.mergeMax),
  readAhead: (__ENV.READ_AHEAD || 'on') !== 'off',
  inflight: num('INFLIGHT', READER_DEFAULTS.inflight),
  footerBytes: num('FOOTER_BYTES', READER_DEFAULTS.footerBytes),
};

// A step per researcher count: 1 for RAMP seconds, then 2, ... (the load holds each level).
const stages = rampStages(RESEARCHERS, RAMP);

export const options = {
  scenarios: {
    research: RAMP
      ? { executor: 'ramping-vus', startVUs: 1, stages, gracefulRampDown: '300s', gracefulStop: '300s' }
      : { executor: 'constant-vus', vus: RESEARCHERS, duration: DURATION, gracefulStop: '300s' },
  },
  thresholds: JSON.parse(__ENV.THRESHOLDS || '{"research_wrong":["count<1"]}'),
  summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
  setupTimeout: '900s',
};

const answerMs = new Trend('research_answer_ms', true);
const decodeMs = new Trend('research_decode_ms', true);
const gets = new Trend('research_gets');
const bytes = new Trend('research_bytes');
const roundsT = new Trend('research_rounds');
const inflight = new Trend('research_inflight');
const wrong = new Counter('research_wrong');
const answered = new Counter('research_queries');

/** Researchers the schedule has active at epoch `t`. From the schedule rather than exec.instance.vusActive,
 * which counts only the VUs of one process or thread, and only while they are inside an iteration. */
const activeAt = (t: number): number => activeResearchers(t - exec.scenario.startTime, RESEARCHERS, RAMP);

const s3 = new S3(targetFromEnv());
const reader = new ParquetReader(s3, SETTINGS);
const checked = new Set<string>();
let done = 0;

/** The files of a query under this researcher's project. */
const filesOf = (id: string, project: string): FileRead[] =>
  PLAN.queries
    .find((q) => q.query.id === id)!
    .files.map((f) => ({ alias: f.alias, key: `${project}/${f.path}`, size: f.size, columns: f.columns }));

/** Runs one query for a researcher (0: the check pass before the load), logs its event, records metrics. */
async function runQuery(
  r: ParquetReader,
  researcher: number,
  planned: ResearchPlan['queries'][number],
  decode: boolean,
): Promise<void> {
  const q: Query = planned.query;
  const project = PLAN.projects[Math.max(0, researcher - 1) % PLAN.projects.length];
  let why: string | null = null;
  let result: Awaited<ReturnType<ParquetReader['read']>> | null = null;
  const t0 = Date.now();
  try {
    result = await r.read(filesOf(q.id, project), decode);
    if (decode) {
      const got: Answer = execute(q, result.tables, result.rows, planned.year);
      why = difference(got, planned.expected);
    }
  } catch (e) {
    why = `unreadable: ${String((e as Error).message ?? e).slice(0, 200)}`;
  }
  const ms = result ? result.cost.waitMs : Date.now() - t0;
  // The researchers active while the query ran; 0 when a researcher joined meanwhile (the check pass too).
  const from = researcher === 0 ? 0 : activeAt(t0);
  const active = from > 0 && from === activeAt(Date.now()) ? from : 0;
  const phase = result && result.cost.footers > 0 ? 'cold' : 'warm';
  const tags = { query: q.id, class: q.class, phase, researchers: String(active) };
  if (why) wrong.add(1, { query: q.id });
  if (result && researcher > 0) {
    const c = result.cost;
    answered.add(1, tags);
    answerMs.add(ms, tags);
    if (decode) decodeMs.add(result.decodeMs, tags);
    gets.add(c.gets, tags);
    bytes.add(c.bytes, tags);
    roundsT.add(c.rounds, tags);
    inflight.add(c.inflight, tags);
  }
  const event: ResearchEvent = {
    research: 'answer',
    query: q.id,
    class: q.class,
    researcher,
    researchers: active,
    phase,
    t: t0,
    ms,
    decode_ms: result?.decodeMs ?? 0,
    gets: result?.cost.gets ?? 0,
    bytes: result?.cost.bytes ?? 0,
    rounds: result?.cost.rounds ?? 0,
    inflight: result?.cost.inflight ?? 0,
    throttled: result?.cost.throttled ?? 0,
    checked: decode,
    wrong: why,
  };
  console.log(JSON.stringify(event));
}

/** The check pass: every query once, decoded and compared, on the first project, before the load. */
export async function setup(): Promise<void> {
  if (CHECK === 'none') return;
  const r = new ParquetReader(s3, SETTINGS);
  for (const planned of PLAN.queries) await runQuery(r, 0, planned, true);
}

export default async function (): Promise<void> {
  const researcher = exec.vu.idInTest;
  // Each researcher goes through the queries in its own rotation, so that they do not all ask the same.
  const planned = PLAN.queries[(researcher - 1 + done) % PLAN.queries.length];
  const firstTime = !checked.has(planned.query.id);
  checked.add(planned.query.id);
  await runQuery(reader, researcher, planned, CHECK === 'every' || (CHECK === 'first' && firstTime));
  done++;
  // Bursts of BURST queries, a think time (exponential, THINK seconds on average) after each burst.
  if (done % BURST === 0 && THINK > 0) await delay(-Math.log(1 - Math.random()) * THINK);
}

export function handleSummary(data: Parameters<typeof summaryOutputs>[0]) {
  return summaryOutputs(data);
}
