// Host limits: every declared kind has a rule that exists and reads it; a profile with an unknown kind is
// refused; the part plan sizes parts up for a 1,000-part host and refuses objects no plan fits, before
// any request; the lab's caps are the profile's, scaled; backoff honours Retry-After.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeLimits, LIMIT_KINDS, limitsProblem, requestCaps } from '../../src/hosts/limits.js';
import { loadProfile, type HostProfile } from '../../src/hosts/profile.js';
import { partPlanFor } from '../../src/hosts/parts.js';
import { capsConfig, labCaps } from '../../src/hosts/caps.js';
import { seed } from '../../src/dataset/seed.js';
import { extrapolate } from '../../src/load/migrate.js';
import { backoffMs, retryAfterSeconds } from '../../scenarios/lib/backoff.js';
import { UsageError } from '../../src/util/errors.js';

const ROOT = join(__dirname, '..', '..');
const TEMPLATES = join(ROOT, 'hosts', 'templates');
const source = (file: string) => readFileSync(join(ROOT, file), 'utf8');

/** Every source file of src/ and scenarios/ but the declaration itself. */
function codeFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? codeFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('limit kinds', () => {
  it('each has a meaning, a unit and rules that exist', () => {
    for (const [name, kind] of Object.entries(LIMIT_KINDS)) {
      expect(kind.meaning.length, name).toBeGreaterThan(10);
      expect(kind.rules.length, name).toBeGreaterThan(0);
      for (const rule of kind.rules) {
        const [file, fn] = rule.split('#');
        expect(existsSync(join(ROOT, file)), `${name}: ${file}`).toBe(true);
        expect(source(file), `${name}: ${rule}`).toMatch(new RegExp(`export (async )?function ${fn}\\b`));
      }
    }
  });

  it('each is read by code other than its declaration (no declared limit without the code that applies it)', () => {
    // The declaration's own block does not count; limits.ts's functions do.
    const declaration = /export const LIMIT_KINDS = \{[\s\S]*?\} as const/;
    const code = [...codeFiles('src'), ...codeFiles('scenarios')]
      .map((f) => source(f).replace(declaration, ''))
      .join('\n');
    const unread = Object.keys(LIMIT_KINDS).filter((name) => !new RegExp(`\\.${name}\\b`).test(code));
    expect(unread).toEqual([]);
  });

  it('every template loads, and publishes only declared kinds, each with a source', () => {
    const templates = readdirSync(TEMPLATES).filter((f) => f.endsWith('.json'));
    expect(templates).toContain('scaleway.json');
    for (const t of templates) {
      const p = loadProfile(join(TEMPLATES, t));
      expect(p.sources?.length, t).toBeGreaterThan(0);
      expect(describeLimits(p.limits).length, t).toBeGreaterThan(0);
    }
    const scaleway = loadProfile('scaleway');
    expect(scaleway.limits.max_parts).toBe(1000);
    // Each limit Scaleway publishes is named in a source line.
    for (const [k, v] of Object.entries(scaleway.limits))
      if (v !== null) expect(scaleway.sources!.join('\n'), k).toContain(k);
  });

  it('a profile with an unknown or misspelt limit is refused in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-'));
    const p = JSON.parse(readFileSync(join(TEMPLATES, 'scaleway.json'), 'utf8'));
    writeFileSync(join(dir, 'typo.json'), JSON.stringify({ ...p, limits: { ...p.limits, max_part: 1000 } }));
    expect(() => loadProfile(join(dir, 'typo.json'))).toThrow(UsageError);
    expect(() => loadProfile(join(dir, 'typo.json'))).toThrow(/^host profile .*typo\.json: unknown limit "max_part"/);
    expect(limitsProblem({ over_cap_status: 500 })).toMatch(/503 or 429/);
    expect(limitsProblem({ max_parts: -1 })).toMatch(/positive/);
    expect(limitsProblem({ bandwidth_per_connection: 'fast' })).toMatch(/rate/);
    expect(limitsProblem({ equal_parts: true, max_parts: 10 })).toBeNull();
  });
});

describe('part plan', () => {
  const scaleway = loadProfile('scaleway');

  it('sizes parts up for a large object on a 1,000-part host', () => {
    const plan = partPlanFor(scaleway, 100e9, 16 * 2 ** 20);
    expect(plan.parts).toBeLessThanOrEqual(1000);
    expect(plan.partSize).toBeGreaterThanOrEqual(100e6);
    expect(plan.partSize * plan.parts).toBeGreaterThanOrEqual(100e9);
    expect(plan.requests).toBe(plan.parts + 2);
    // The same object on a 10,000-part host keeps the part size asked for.
    const ovh = loadProfile('ovhcloud');
    expect(partPlanFor(ovh, 100e9, 16 * 2 ** 20).partSize).toBe(16 * 2 ** 20);
    // Small objects go in one PUT; a part size under the host's minimum is raised to it.
    expect(partPlanFor(scaleway, 1e6, 16 * 2 ** 20)).toMatchObject({ single: true, requests: 1 });
    expect(partPlanFor(scaleway, 64e6, 2 ** 20).partSize).toBe(5 * 2 ** 20);
  });

  it('refuses an object no plan fits, naming the limit', () => {
    expect(() => partPlanFor(scaleway, 6e12, 16 * 2 ** 20)).toThrow(/max_object/);
    const noMax: HostProfile = { ...scaleway, limits: { ...scaleway.limits, max_object: null } };
    expect(() => partPlanFor(noMax, 6e12, 16 * 2 ** 20)).toThrow(/max_parts.*part_size_max/);
    // Outscale: an upload must finish within 3 min; at 1 MB/s a part carries at most 180 MB.
    const outscale = loadProfile('outscale');
    expect(partPlanFor(outscale, 100e9, 16 * 2 ** 20, 1e6).partSize).toBe(16 * 2 ** 20);
    expect(partPlanFor(outscale, 1.5e12, 16 * 2 ** 20, 1e6).partSize).toBeLessThanOrEqual(180e6);
    expect(() => partPlanFor(outscale, 2e12, 16 * 2 ** 20, 1e6)).toThrow(/upload_time_limit_s/);
  });

  it('seed refuses an object too large for the host before any request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'limits-seed-'));
    mkdirSync(join(dir, 'ER_PRS_F'));
    writeFileSync(join(dir, 'ER_PRS_F', 'a.parquet'), Buffer.alloc(4096));
    writeFileSync(
      join(dir, '_manifest.json'),
      JSON.stringify({ files: [{ path: 'ER_PRS_F/a.parquet', bytes: 4096, sha256: 'x'.repeat(64) }] }),
    );
    // Nothing listens on port 9: a request would fail with a connection error, not with the limit.
    const tiny: HostProfile = {
      ...scaleway,
      endpoint: 'http://127.0.0.1:9',
      limits: { ...scaleway.limits, max_object: 1000 },
    };
    await expect(
      seed({ dir, profile: tiny, prefix: 'p', concurrency: 1, partSize: 16 * 2 ** 20, progress: false }),
    ).rejects.toThrow(/max_object/);
  });

  it('a 1 PB migration to Scaleway in 100 GB objects stays within 1,000 parts and its request cap', () => {
    const seedRecord = { host: 'a', endpoint: 'e', bucket: 'b', prefix: 'p', objects: [] };
    const rehearsal = {
      objects: 10,
      bytes: 1e9,
      seconds: 1,
      bytes_per_second: 1e9,
      objects_per_second: 10,
      put_requests_per_object: 1,
      streams: 8,
      retries: 0,
      throttled: 0,
      failed: [],
    };
    const o = { volume: '1PB', objectSize: '100GB', prefixes: 1, streams: 8, partSize: 16 * 2 ** 20 };
    const v = extrapolate(o, rehearsal, scaleway, 120 * 86400, seedRecord);
    expect(v.volume_objects).toBe(10_000);
    expect(v.most_parts!.parts).toBeLessThanOrEqual(1000);
    expect(v.most_parts!.part_size).toBeGreaterThanOrEqual(100e6);
    expect(v.put_requests).toBe(10_000 * (v.most_parts!.parts + 2));
    expect(v.seconds_by_requests).toBeCloseTo(v.put_requests! / 1000, 6);
    expect(v.seconds_by_bytes).toBeCloseTo(1e15 / 1e9, 6);
  });
});

describe('lab caps and backoff', () => {
  it('enforce the profile caps, scaled, answered as the profile says', () => {
    const scaleway = loadProfile('scaleway');
    expect(requestCaps(scaleway.limits)).toEqual({ write: 1000, read: 1000, all: 1000 });
    const caps = labCaps(scaleway, 0.02);
    expect(caps.caps.all).toBe(20);
    const config = capsConfig(caps, 17076, '/x.pem', 's3_target');
    expect(config).toMatch(/return status 503 .*<Code>SlowDown<\/Code>.* if +\{ sc_gpc0_rate\(0\) ge 20 \}/);
    expect(config).not.toMatch(/caps_write/);
    const too = labCaps({ ...scaleway, limits: { ...scaleway.limits, over_cap_status: 429 } }, 0.02);
    const answer429 = /return status 429 .*TooManyRequests.* hdr Retry-After 1 if/;
    expect(capsConfig(too, 17076, '/x.pem', 's3_target')).toMatch(answer429);
    const outscale = labCaps(loadProfile('outscale'), 0.1);
    expect(outscale.caps).toEqual({ write: 20, read: 30, all: null });
    expect(() => labCaps(loadProfile('cloud-temple'), 1)).toThrow(/no request cap/);
  });

  it('backs off exponentially with full jitter, Retry-After a floor', () => {
    expect(backoffMs(1, null, 0.5)).toBe(25);
    expect(backoffMs(4, null, 0.999)).toBeLessThan(400);
    expect(backoffMs(20, null, 0.999)).toBeLessThan(5000);
    expect(backoffMs(1, 1, 0)).toBe(1000);
    expect(retryAfterSeconds('2', 0)).toBe(2);
    expect(retryAfterSeconds(new Date(10_000).toUTCString(), 4_000)).toBe(6);
    expect(retryAfterSeconds('soon', 0)).toBeNull();
  });
});
