// Researchers on the lab: every answer checked against DuckDB and right, GETs per query as the reader's
// plan predicts; a byte changed on the host named as a wrong answer; with a latency toxic, the time to
// answer grows by the sequential GET rounds (a new connection's handshake one of them) times the latency
// (±15%); bad input one line, exit 2, nothing sent.
import { spawnSync } from 'node:child_process';
import { parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { LAB, lacking } from './support/tools.js';
import { loadProfile } from '../src/hosts/profile.js';
import { access, keysOn } from '../src/hosts/sync.js';
import { s3Request } from '../src/hosts/s3node.js';
import { addToxic, clearToxics } from '../src/hosts/toxics.js';
import { localMetadata } from '../src/load/research/queries.js';
import type { ResearchResult } from '../src/contracts/results.js';
import { researchEvent, type ResearchEvent } from '../src/contracts/events.js';

const skip = lacking(__filename, LAB);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('research');
const data = join(work, 'data');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', cwd: work, env: { ...process.env, CI: 'true' } });
}

/** research on local-target; returns the exit, the output, research.json and the scenario's events. */
function research(extra: string[]) {
  const results = join(work, `results-${Math.random().toString(36).slice(2)}`);
  const r = cli(['research', '--host', 'local-target', '--dataset', data, '--results', results, ...extra]);
  const dir = join(results, readdirSync(results)[0]);
  const result = JSON.parse(readFileSync(join(dir, 'research.json'), 'utf8')) as ResearchResult;
  const events = readFileSync(join(dir, 'k6.log'), 'utf8')
    .split('\n')
    .map(researchEvent)
    .filter((e): e is ResearchEvent => e !== null && e.researcher > 0);
  return { status: r.status, out: r.stdout + r.stderr, result, events };
}

/** The events of each query in each phase (cold, warm). */
function byQuery(events: ResearchEvent[]): Map<string, ResearchEvent[]> {
  const by = new Map<string, ResearchEvent[]>();
  for (const e of events) by.set(`${e.query} ${e.phase}`, [...(by.get(`${e.query} ${e.phase}`) ?? []), e]);
  return by;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];

const stayKey = (r: Record<string, unknown>) => `${String(r.ETA_NUM)}/${String(r.RSA_NUM)}`;

async function rowsOf(file: string | Buffer, columns: string[]): Promise<Record<string, unknown>[]> {
  const b = typeof file === 'string' ? readFileSync(file) : file;
  const buffer = b.buffer.slice(b.byteOffset, b.byteOffset + b.length) as ArrayBuffer;
  return (await parquetReadObjects({ file: buffer, columns, compressors })) as Record<string, unknown>[];
}

/**
 * The stays file with one byte of its length-of-stay column changed, as a faulty disk or cache might serve
 * it: the first byte from the chunk's middle on that still decodes and changes the length of a stay that has
 * associated diagnoses (the query joins them, so a stay without any leaves its answer as it was).
 */
async function changedLengthOfStay(file: string): Promise<Buffer> {
  const bytes = readFileSync(file);
  const chunk = localMetadata(file).row_groups[0].columns.find((c) => c.meta_data?.path_in_schema[0] === 'SEJ_NBJ')!;
  const start = Number(chunk.meta_data!.data_page_offset);
  const size = Number(chunk.meta_data!.total_compressed_size);
  const columns = ['ETA_NUM', 'RSA_NUM', 'SEJ_NBJ'];
  const original = await rowsOf(bytes, columns);
  const diagnoses = join(data, 'T_MCOaaD', 'year=2024');
  const joined = new Set<string>();
  for (const f of readdirSync(diagnoses))
    for (const r of await rowsOf(join(diagnoses, f), columns.slice(0, 2))) joined.add(stayKey(r));
  for (let i = 0; i < size; i++) {
    const changed = Buffer.from(bytes);
    changed[start + ((Math.floor(size / 2) + i) % size)] ^= 0x5a;
    const rows = await rowsOf(changed, columns).catch(() => null);
    if (rows?.length !== original.length) continue;
    const differs = rows.some((r, j) => r.SEJ_NBJ !== original[j].SEJ_NBJ && joined.has(stayKey(original[j])));
    if (differs && rows.every((r, j) => stayKey(r) === stayKey(original[j]))) return changed;
  }
  throw new Error(`no byte of ${file}'s SEJ_NBJ chunk changes a stay with diagnoses`);
}

describe.skipIf(skip)('researchers on the lab', () => {
  beforeAll(() => {
    const up = cli(['lab', 'up']);
    expect(up.status, up.stderr).toBe(0);
    const g = cli(['generate', '--beneficiaries', '120', '--years', '2024', '--seed', '11', '--out', data]);
    expect(g.status, g.stderr).toBe(0);
    const s = cli(['seed', data, '--host', 'local-target']);
    expect(s.status, s.stderr).toBe(0);
  }, 300_000);

  afterAll(async () => {
    await clearToxics('local-target').catch(() => undefined);
    cli(['lab', 'down']);
  });

  it('answers every query right, with the GETs the plan predicts', () => {
    const r = research(['--researchers', '2', '--duration', '8', '--think', '0.5']);
    expect(r.status, r.out).toBe(0);
    expect(r.result.wrong).toEqual([]);
    for (const q of r.result.queries) {
      expect(q.checked, q.query).toBeGreaterThanOrEqual(1);
      expect(q.answers, q.query).toBeGreaterThan(0);
      expect(q.gets, q.query).toBe(q.predicted.gets);
    }
    expect(r.out).toMatch(/capacity: \d+ GET\/s per active researcher/);
  }, 600_000);

  it('grows the time to answer by the rounds times the latency of a toxic', async () => {
    const base = research(['--researchers', '1', '--duration', '10', '--think', '0', '--check', 'none']);
    const latency = 400;
    await addToxic('local-target', 'research-latency', {
      type: 'latency',
      stream: 'downstream',
      attributes: { latency, jitter: 0 },
    });
    let slow;
    try {
      slow = research(['--researchers', '1', '--duration', '20', '--think', '0', '--check', 'none']);
    } finally {
      await clearToxics('local-target');
    }
    // Each query in each phase (cold: its footers read first), against the same without the toxic, each
    // answer by its own rounds: one that opened connections counts their handshake as a round (every answer
    // when the host closes connections, only the first ones when it keeps them), so no one answer's rounds
    // stand for all.
    const before = new Map([...byQuery(base.events)].map(([k, es]) => [k, median(es.map((e) => e.ms))]));
    const judged = [...byQuery(slow.events)].filter(([k, es]) => es.some((e) => e.rounds > 0) && before.has(k));
    expect(judged.length).toBeGreaterThanOrEqual(8);
    for (const [k, es] of judged) {
      const ratio = median(es.filter((e) => e.rounds > 0).map((e) => (e.ms - before.get(k)!) / (e.rounds * latency)));
      const seen = es.map((e) => `${e.ms} ms/${e.rounds}`).join(', ');
      expect(Math.abs(ratio - 1), `${k}: grown ${ratio.toFixed(2)}x rounds x latency (${seen})`).toBeLessThan(0.15);
    }
  }, 600_000);

  it('names the query a changed byte makes wrong', async () => {
    const p = loadProfile('local-target');
    const seeded = JSON.parse(readFileSync(join(data, '_seed-local-target.json'), 'utf8')) as { prefix: string };
    const path = readdirSync(join(data, 'T_MCOaaB', 'year=2024'))[0];
    const file = join(data, 'T_MCOaaB', 'year=2024', path);
    const bytes = readFileSync(file);
    const changed = await changedLengthOfStay(file);
    const key = `${seeded.prefix}/T_MCOaaB/year=2024/${path}`;
    expect((await s3Request(access(p), 'PUT', key, { body: changed })).status).toBe(200);
    try {
      const r = research(['--researchers', '1', '--duration', '3', '--think', '0']);
      expect(r.status).toBe(1);
      expect(r.out).toMatch(/wrong answer: pmsi-year-diagnoses \(researcher 0\)/);
      expect(r.result.wrong.map((w) => w.query)).toContain('pmsi-year-diagnoses');
    } finally {
      expect((await s3Request(access(p), 'PUT', key, { body: bytes })).status).toBe(200);
    }
  }, 600_000);

  it('refuses bad input in one line, exit 2, sending nothing', async () => {
    const before = [...(await keysOn(loadProfile('local-target'), ''))].sort();
    const on = (host: string) => ['research', '--host', host, '--dataset', data];
    const cases: [string[], RegExp][] = [
      [[...on('local-target'), '--researchers', '0'], /--researchers must be a whole number of at least 1/],
      [[...on('local-target'), '--queries', join(work, 'nothing.json')], /query file .*nothing.json: no such file/],
      [on('local-source'), /is not on local-source: run "sndsbench seed/],
    ];
    for (const [args, message] of cases) {
      const r = cli(args);
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect([...(await keysOn(loadProfile('local-target'), ''))].sort()).toEqual(before);
  }, 120_000);
});
