// The example evaluation plans within its providers' caps and budget; the schedule interleaves
// candidates and rotates their order each repetition; a malformed file is named in one line.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCampaign } from '../../src/load/campaign/file.js';
import { planCampaign } from '../../src/load/campaign/plan.js';
import { schedule } from '../../src/load/campaign/run.js';
import { UsageError } from '../../src/util/errors.js';
import type { ReadSettings } from '../../src/load/workloads/read.js';

const EXAMPLE = join(__dirname, '..', '..', 'examples', 'campaigns', 'evaluation.yaml');

describe('campaign plan', () => {
  it('the example evaluation stays under every published cap and its budget', () => {
    const c = loadCampaign(EXAMPLE, join(tmpdir(), 'unused'));
    const plan = planCampaign(c, { files: 100, bytes: 1e9 });
    expect(plan.refusals).toEqual([]);
    expect(plan.estimates).toHaveLength(c.candidates.length * c.workloads.length);
    expect(plan.total.requests).toBeGreaterThan(0);
  });

  it('refuses a workload above a cap, and a budget too small', () => {
    const c = loadCampaign(EXAMPLE, join(tmpdir(), 'unused'));
    const read = c.workloads.find((w) => w.workload === 'read')!;
    (read.settings as ReadSettings).VUS = '64';
    c.budget.requests = 10;
    const refusals = planCampaign(c, null).refusals;
    expect(refusals[0]).toMatch(/^workload read on outscale: about \d+ GET\/s, above the 300 GET\/s per bucket/);
    expect(refusals.at(-1)).toMatch(/requests, above the budget of 10$/);
  });

  it('refuses a workload the registry does not know, naming those it does, rather than estimate another', () => {
    const c = loadCampaign(EXAMPLE, join(tmpdir(), 'unused'));
    c.workloads[0] = { ...c.workloads[0], workload: 'ingest-v2' };
    expect(() => planCampaign(c, null)).toThrow(UsageError);
    expect(() => planCampaign(c, null)).toThrow(
      'unknown workload "ingest-v2" (known: ingest, read, mixed, migration, mirror, cutover, consistency, research)',
    );
  });

  it("each workload's estimate follows its own settings", () => {
    const c = loadCampaign(EXAMPLE, join(tmpdir(), 'unused'));
    c.workloads = c.workloads.filter((w) => w.workload === 'ingest');
    c.candidates = c.candidates.slice(0, 1);
    const base = planCampaign(c, null).estimates[0];
    (c.workloads[0].settings as Record<string, string>).MODE = 'rate';
    (c.workloads[0].settings as Record<string, string>).RATE = '3';
    const rated = planCampaign(c, null).estimates[0];
    // 3 objects a second for the full profile's 2 minutes, each in 64 MiB / 16 MiB parts + create + complete.
    expect(rated.put).toBe(3 * 120 * 6);
    expect(rated.written).toBe(3 * 120 * 64 * 1024 ** 2);
    expect(base.put).not.toBe(rated.put);
  });

  it('a scenario setting it does not know, or of the wrong kind, is one line naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sndsbench-campaign-')), 'typo.yaml');
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - scenario: ingest\n    settings: { VUSES: 3 }\n');
    expect(() => loadCampaign(file)).toThrow(/workload ingest: ingest has no setting VUSES \(known: MODE, VUS,/);
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - scenario: ingest\n    settings: { VUS: many }\n');
    expect(() => loadCampaign(file)).toThrow(/workload ingest: VUS must be a positive integer, got "many"/);
  });

  it('interleaves candidates, in an order rotated each repetition', () => {
    const c = loadCampaign(EXAMPLE, join(tmpdir(), 'unused'));
    c.repeat = 2;
    c.candidates = c.candidates.slice(0, 2);
    c.workloads = c.workloads.slice(0, 1);
    expect(schedule(c).map((s) => s.key)).toEqual([
      'r1-ingest-outscale',
      'r1-ingest-ovhcloud',
      'r2-ingest-ovhcloud',
      'r2-ingest-outscale',
    ]);
  });

  it('a consistency workload needs no source nor dataset; its requests are estimated; a bad mix is one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sndsbench-campaign-'));
    const file = join(dir, 'c.yaml');
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - consistency: { duration: 60, vus: 2, writers: 4 }\n');
    const c = loadCampaign(file);
    expect(c.workloads[0]).toMatchObject({ workload: 'consistency', settings: { duration: 60, vus: 2, writers: 4 } });
    const [e] = planCampaign(c, null).estimates;
    expect(e.put).toBeGreaterThan(0);
    expect(e.get).toBeGreaterThan(e.put / 4);
    expect(e.seconds).toBeGreaterThanOrEqual(60);
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - consistency: { mix: "create=1,copy=2" }\n');
    expect(() => loadCampaign(file)).toThrow(/workload consistency.mix: must be shares of create/);
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - consistency: { writers: -1 }\n');
    expect(() => loadCampaign(file)).toThrow(UsageError);
  });

  it("a cutover's and a mirror's consistency mix: its keys checked, its requests in the plan", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sndsbench-campaign-'));
    const file = join(dir, 'c.yaml');
    const plan = (workloads: string) => {
      const head =
        'source: outscale\ncandidates: [{ host: scaleway, front: ovhcloud }]\n' +
        'dataset: { generate: { beneficiaries: 1000, years: 2024, seed: 1 } }\n';
      writeFileSync(file, `${head}workloads:\n${workloads}`);
      return loadCampaign(file);
    };
    const c = plan(
      '  - cutover: { duration: 20, at: 5, rate: 10 }\n' +
        '  - id: cutover-mix\n' +
        '    cutover: { duration: 20, at: 5, rate: 10, consistency: true, consistency_writers: 4 }\n' +
        '  - mirror: { duration: 20, rate: 10 }\n' +
        '  - id: mirror-mix\n    mirror: { duration: 20, rate: 10, consistency: true, consistency_vus: 8, ' +
        'consistency_mix: "create=50,get=50", consistency_size: 4096 }\n',
    );
    const [cut, cutMix, mir, mirMix] = c.workloads.map((w) => w.settings as Record<string, unknown>);
    expect(cut.consistency).toBeNull();
    // The CLI's defaults, as for `cutover --consistency`: 4 clients, the default mix, 1 KiB.
    expect(cutMix.consistency).toEqual({
      vus: 4,
      writers: 4,
      mix: { create: 20, overwrite: 15, delete: 15, get: 25, head: 10, list: 15 },
      size: 1024,
    });
    expect(mir.consistency).toBeNull();
    expect(mirMix.consistency).toMatchObject({ vus: 8, writers: 0, size: 4096, mix: { create: 50, get: 50, list: 0 } });
    const [a, b, m, n] = planCampaign(c, null).estimates;
    // The mix adds its own requests and bytes, over the same time.
    expect(b.put).toBeGreaterThan(a.put);
    expect(b.get).toBeGreaterThan(a.get);
    expect(b.read).toBeGreaterThan(0);
    expect(b.seconds).toBe(a.seconds);
    // create=50,get=50: a create and its read-back, or a read: 1 PUT for 3 GETs; 8 clients of 4 KiB bodies.
    expect(n.put - m.put).toBeGreaterThan(0);
    expect((n.get - m.get) / (n.put - m.put)).toBeCloseTo(3, 1); // (rounded up to whole requests)
    expect(Math.abs((n.written - m.written) / 4096 - (n.put - m.put))).toBeLessThanOrEqual(1);

    for (const [line, error] of [
      ['cutover: { consistency_vus: 2 }', /workload cutover.consistency_vus needs consistency: true/],
      ['mirror: { consistency: yes please }', /workload mirror.consistency must be true or false/],
      ['cutover: { consistency: true, consistency_mix: "create=1,copy=2" }', /consistency_mix: must be shares of/],
      ['mirror: { consistency: true, consistency_writers: 65 }', /consistency_writers must be a whole number from 0/],
      ['mirror: { consistency: true, consistency_size: 0 }', /consistency_size must be a positive number/],
    ] as const)
      expect(() => plan(`  - ${line}\n`), line).toThrow(error);
  });

  it('a malformed file is one line naming it', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sndsbench-campaign-')), 'bad.yaml');
    writeFileSync(file, 'candidates: [outscale]\nworkloads:\n  - scenario: ingest\n    speed: 3\n');
    expect(() => loadCampaign(file)).toThrow(UsageError);
    expect(() => loadCampaign(file)).toThrow(/workloads\[0\]: unknown key "speed"/);
  });
});
