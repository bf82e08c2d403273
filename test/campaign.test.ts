// Campaigns on the lab's real hosts: a two-candidate campaign with repetitions, interrupted in the middle
// and resumed (no completed run redone, the same report as an uninterrupted campaign), a plan refused by
// its budget or a provider's cap before anything is sent, bad input in one line, and `clean` leaving
// the buckets as they were before the campaign.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { LAB, lacking } from './support/tools.js';
import { loadProfile } from '../src/hosts/profile.js';
import { access, keysOn } from '../src/hosts/sync.js';
import { s3Request } from '../src/hosts/s3node.js';
import type { CampaignState } from '../src/load/campaign/state.js';
import type { Report } from '../src/report/types.js';

const skip = lacking(__filename, LAB);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('campaign');
const HOSTS = ['local-source', 'local-target', 'local-target-capped'];
/** One dataset for every campaign here, so that the interrupted and the uninterrupted one compare alike. */
const data = join(work, 'data');

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', cwd: work, env: { ...process.env, CI: 'true' } });
}

/** A campaign file in the scratch folder; `extra` is appended as YAML. */
function campaignFile(name: string, extra = '', candidates = 'local-target, local-target-capped'): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
repeat: 2
source: local-source
candidates: [${candidates}]
dataset:
  folder: ${data}
workloads:
  - scenario: ingest
    settings: { VUS: 2, DURATION: 2s, OBJECT_SIZE: 262144 }
  - migration: { window: 1h, volume: 100MB, streams: 2 }
${extra}`,
  );
  return file;
}

async function listing(host: string): Promise<string[]> {
  return [...(await keysOn(loadProfile(host), ''))].sort();
}

async function listings(): Promise<Record<string, string[]>> {
  return Object.fromEntries(await Promise.all(HOSTS.map(async (h) => [h, await listing(h)] as const)));
}

const state = (results: string) => JSON.parse(readFileSync(join(results, 'campaign.json'), 'utf8')) as CampaignState;

/** What a report says that noise cannot change: candidates, workloads, runs per host, criteria judged. */
function shape(r: Report) {
  return {
    candidates: r.candidates,
    repetitions: r.repetitions,
    runs: r.runs.length,
    groups: r.groups.map((g) => ({ workload: g.workload, hosts: g.runs.map((x) => [x.host, x.n]).sort() })),
    scorecard: r.scorecard.map((row) => ({
      criterion: row.criterion.id,
      judged: Object.values(row.cells).map((c) => c.pass !== null),
      ranked: typeof row.ranking,
      deterministic: ['migration-window', 'migration-failures'].includes(row.criterion.id)
        ? Object.values(row.cells).map((c) => c.pass)
        : null,
    })),
  };
}

describe.skipIf(skip)('campaigns on the lab', () => {
  let before: Record<string, string[]>;
  let uninterrupted: Report;

  beforeAll(async () => {
    const up = cli(['lab', 'up']);
    expect(up.status, up.stderr).toBe(0);
    const g = cli(['generate', '--beneficiaries', '1000', '--years', '2024', '--seed', '7', '--out', data]);
    expect(g.status, g.stderr).toBe(0);
    // Something of someone else's in each bucket, which `clean` must leave.
    for (const h of ['local-source', 'local-target']) {
      const r = await s3Request(access(loadProfile(h)), 'PUT', `not-the-campaigns/${h}.txt`, {
        body: Buffer.from('kept'),
      });
      expect(r.status).toBe(200);
    }
    before = await listings();
  });

  afterAll(() => {
    cli(['lab', 'down']);
  });

  it('bad input: one line naming it, exit 2, nothing sent', async () => {
    const capped = join(work, 'capped.json');
    const p = JSON.parse(readFileSync(join(ROOT, 'hosts', 'local-target.json'), 'utf8'));
    writeFileSync(
      capped,
      JSON.stringify({ ...p, name: 'capped', limits: { ...p.limits, put_per_second_per_bucket: 1 } }),
    );
    const secretless = join(work, 'secretless.json');
    writeFileSync(
      secretless,
      JSON.stringify({
        ...p,
        name: 'secretless',
        credentials: { access_key_env: 'SNDSBENCH_NOT_SET_A', secret_key_env: 'SNDSBENCH_NOT_SET_B' },
      }),
    );
    const malformed = join(work, 'malformed.yaml');
    writeFileSync(malformed, 'name: x\ncandidates: [a, b\n');
    const cases: [string, string, RegExp][] = [
      ['malformed', malformed, /not valid YAML/],
      [
        'unknown candidate',
        campaignFile('bad1', '', 'local-target, nowhere-host'),
        /unknown host profile "nowhere-host"/,
      ],
      ['unknown workload', campaignFile('bad2', '  - scenario: upload\n'), /unknown workload scenario "upload"/],
      [
        'missing credential',
        campaignFile('bad3', '', `local-target, ${secretless}`),
        /credential variable SNDSBENCH_NOT_SET_A is not set/,
      ],
      [
        'above a cap',
        campaignFile('bad4', '', `local-target, ${capped}`),
        /workload ingest on \S*capped.json: about \d+ PUT\/s, above the 1 PUT\/s per bucket/,
      ],
    ];
    for (const [what, file, message] of cases) {
      const r = cli(['campaign', 'run', file, '--out', join(work, `out-${what.replace(/ /g, '-')}`)]);
      expect(r.status, `${what}: ${r.stdout}${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(r.stderr, what).toMatch(message);
      expect(existsSync(join(work, `out-${what.replace(/ /g, '-')}`)), what).toBe(false);
    }
    expect(await listings()).toEqual(before);
  });

  it('a plan over its budget is refused before anything is sent', async () => {
    const file = campaignFile('budget', 'budget: { requests: 50 }\n');
    const plan = cli(['campaign', 'plan', file]);
    expect(plan.status).toBe(2);
    expect(plan.stdout).toMatch(/local-target .*per repetition/);
    expect(plan.stderr).toMatch(/^sndsbench: about [\d,]+ requests, above the budget of 50\n$/);
    const run = cli(['campaign', 'run', file, '--out', join(work, 'out-budget')]);
    expect(run.status).toBe(2);
    expect(existsSync(join(work, 'out-budget'))).toBe(false);
    expect(await listings()).toEqual(before);
  });

  it('uninterrupted: every run twice, interleaved, a report with intervals; clean restores the buckets', async () => {
    const file = campaignFile('whole');
    const out = join(work, 'whole');
    const started = Date.now();
    const r = cli(['campaign', 'run', file, '--out', out]);
    console.log(`uninterrupted campaign: ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    // Interleaved: the candidates take turns within each repetition, the second in the other order.
    const order = [...r.stdout.matchAll(/^\[\d+\/8\] (r\d-\S+): done/gm)].map((m) => m[1]);
    expect(order).toEqual([
      'r1-ingest-local-target',
      'r1-ingest-local-target-capped',
      'r1-migration-local-target',
      'r1-migration-local-target-capped',
      'r2-ingest-local-target-capped',
      'r2-ingest-local-target',
      'r2-migration-local-target-capped',
      'r2-migration-local-target',
    ]);
    uninterrupted = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as Report;
    expect(uninterrupted.repetitions).toBe(2);
    const ingest = uninterrupted.scorecard.find((row) => row.criterion.metric === 'throughput_mib_s')!;
    expect(ingest.cells['local-target'].interval!.n).toBe(2);
    // Capped at 5 MB/s per connection, the capped target is slower beyond any overlap.
    expect(ingest.ranking).toBe('local-target > local-target-capped');
    expect(readFileSync(join(out, 'report', 'report.md'), 'utf8')).toMatch(/\d \[[\d.]+–[\d.]+\]/);
    expect(readFileSync(join(out, 'report', 'report.html'), 'utf8')).toContain('indistinguishable');

    const clean = cli(['campaign', 'clean', file, '--out', out]);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).toMatch(/local-source: [1-9]\d* objects the campaign wrote deleted/);
    expect(await listings()).toEqual(before);
  });

  it('interrupted in the middle and resumed: no completed run redone, the same report', async () => {
    const file = campaignFile('resumed');
    const out = join(work, 'resumed');
    const child = spawn('node', [CLI, 'campaign', 'run', file, '--out', out], {
      cwd: work,
      env: { ...process.env, CI: 'true' },
      detached: true,
      stdio: 'ignore',
    });
    // Killed while a run is under way, after three are complete.
    const deadline = Date.now() + 120_000;
    for (;;) {
      const done = existsSync(join(out, 'campaign.json'))
        ? Object.values(state(out).runs).filter((x) => x.status === 'done').length
        : 0;
      const partial =
        existsSync(join(out, 'runs')) && readdirSync(join(out, 'runs')).some((d) => d.endsWith('.partial'));
      if (done >= 3 && partial) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((r) => setTimeout(r, 50));
    }
    process.kill(-child.pid!, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    const first = state(out);
    const completed = Object.entries(first.runs).filter(([, x]) => x.status === 'done');
    const interrupted = readdirSync(join(out, 'runs')).filter((d) => d.endsWith('.partial'));
    expect(completed.length).toBeGreaterThanOrEqual(3);
    expect(interrupted).toHaveLength(1);
    const ids = Object.fromEntries(completed.map(([k, x]) => [k, readdirSync(join(out, x.dir!))]));

    const resumedAt = Date.now();
    const r = cli(['campaign', 'run', file, '--out', out]);
    const kept = `${completed.length} kept, ${interrupted[0]} rerun`;
    console.log(`resumed campaign: ${kept}, ${8 - completed.length} runs in ${(Date.now() - resumedAt) / 1000} s`);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    for (const [key] of completed) expect(r.stdout).toContain(`${key}: done before, kept`);
    expect(r.stdout).toContain(`${interrupted[0].replace('.partial', '')}: interrupted before, rerun`);
    expect(r.stdout).toMatch(new RegExp(`${8 - completed.length} runs done, ${completed.length} kept from before`));
    const after = state(out);
    for (const [key, x] of completed) {
      expect(after.runs[key]).toEqual(x);
      expect(readdirSync(join(out, x.dir!))).toEqual(ids[key]);
    }
    expect(readdirSync(join(out, 'runs')).filter((d) => d.endsWith('.partial'))).toEqual([]);
    const resumed = JSON.parse(readFileSync(join(out, 'report', 'report.json'), 'utf8')) as Report;
    expect(shape(resumed)).toEqual(shape(uninterrupted));

    const clean = cli(['campaign', 'clean', file, '--out', out]);
    expect(clean.status, clean.stdout + clean.stderr).toBe(0);
    expect(await listings()).toEqual(before);
  });
});
