// The harness against three S3 server implementations (versitygw, SeaweedFS, rclone's serve s3), each
// started as the lab's source and target: the scenarios, seed, a migration confirmed by rclone and the
// reference cutover, and the capabilities each implementation has, which the README's table states.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { S3_IMPLEMENTATIONS, type S3Implementation } from '../src/hosts/lab.js';
import { CAPABILITIES } from '../src/hosts/probe.js';
import { loadProfile } from '../src/hosts/profile.js';
import { rclone } from '../src/hosts/rclone.js';
import { haproxy } from '../src/hosts/haproxy.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB, 'rclone', 'weed']);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('matrix');
const dataset = join(work, 'dataset');
const BINARY: Record<S3Implementation, string> = { versitygw: 'versitygw', seaweedfs: 'weed', rclone: 'rclone' };
const NAMES: Record<S3Implementation, string> = {
  versitygw: 'versitygw',
  seaweedfs: 'SeaweedFS',
  rclone: 'rclone serve s3',
};

function cli(args: string[]) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** The README's interoperability table: capability → implementation → yes/no. */
function readmeTable(): Map<string, Map<string, boolean>> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('| capability | versitygw |');
  const lines = readme.slice(start).split('\n');
  const rows = lines.slice(
    0,
    lines.findIndex((l) => !l.startsWith('|')),
  );
  const header = rows[0]
    .split('|')
    .map((c) => c.trim())
    .filter(Boolean);
  const out = new Map<string, Map<string, boolean>>();
  for (const row of rows.slice(2)) {
    const cells = row
      .split('|')
      .map((c) => c.trim())
      .slice(1, -1);
    out.set(cells[0], new Map(header.slice(1).map((h, i) => [h, /^yes/.test(cells[i + 1])])));
  }
  return out;
}

const observed = new Map<string, Map<string, boolean>>();

beforeAll(() => {
  if (skip) return;
  expect(cli(['generate', '--beneficiaries', '2000', '--years', '2024', '--out', dataset]).status).toBe(0);
});
afterAll(() => {
  if (!skip) cli(['lab', 'down']);
});

for (const impl of S3_IMPLEMENTATIONS) {
  const built = existsSync(join(ROOT, '.tools', 'bin', BINARY[impl]));
  describe.skipIf(skip || !built)(
    `${impl} (skipped when .tools/bin/${BINARY[impl]} is missing: npm run setup builds it)`,
    () => {
      const results = join(work, `results-${impl}`);
      const prefix = `matrix-${impl}-${Date.now().toString(36)}`;
      const copy = join(work, `dataset-${impl}`);

      beforeAll(() => {
        cli(['lab', 'down']);
        const up = cli(['lab', 'up', '--s3', impl]);
        expect(up.status, up.stderr).toBe(0);
        expect(up.stdout).toContain(`(${impl})`);
      });

      it('probe: the capabilities it has', () => {
        const r = cli(['probe', '--host', 'local-target', '--json']);
        expect([0, 1], r.stderr).toContain(r.status);
        expect(r.stdout, r.stderr).not.toBe('');
        const seen = JSON.parse(r.stdout) as { capabilities: { capability: string; ok: boolean }[] };
        expect(seen.capabilities.map((c) => c.capability)).toEqual([...CAPABILITIES]);
        for (const c of seen.capabilities) {
          if (!observed.has(c.capability)) observed.set(c.capability, new Map());
          observed.get(c.capability)!.set(NAMES[impl], c.ok);
        }
      });

      if (impl === 'rclone') {
        it('a profile with virtual-host addressing, which it lacks: one line at pre-flight, exit 2, no load', () => {
          const profile = join(work, 'rclone-virtual.json');
          writeFileSync(
            profile,
            JSON.stringify({
              ...JSON.parse(readFileSync(join(ROOT, 'hosts', 'local-target.json'), 'utf8')),
              name: 'rclone-virtual',
              addressing: 'virtual',
            }),
          );
          const r = cli(['run', 'ingest', '--host', profile, '--results', join(work, 'virtual-results')]);
          expect(r.status, r.stderr).toBe(2);
          expect(r.stderr.trim().split('\n')).toHaveLength(1);
          expect(r.stderr).toMatch(/does not take virtual-host addressing/);
          expect(existsSync(join(work, 'virtual-results'))).toBe(false);
        });
      }

      const scenarios: [string, string[]][] = [
        ['ingest, single PUT', ['ingest', '--set', 'OBJECT_SIZE=1048576']],
        [
          'ingest, multipart with equal parts',
          ['ingest', '--set', 'OBJECT_SIZE=12582912', '--set', 'PART_SIZE=6291456'],
        ],
        ['read, the Parquet pattern', ['read']],
        ['mixed', ['mixed']],
      ];
      for (const [what, args] of scenarios) {
        it(`${what}: no failed request`, () => {
          const r = cli(['run', ...args, '--host', 'local-target', '--results', results, '--set', 'DURATION=4s']);
          expect(r.status, r.stderr).toBe(0);
          const dir = r.stdout.match(/results in (\S+)/)![1];
          const m = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).metrics;
          expect(m.http_req_failed.values.rate).toBe(0);
          expect(m.s3_objects.values.count).toBeGreaterThan(0);
        });
      }

      it('seed, then migrate S3 to S3: every object verified, rclone check --download finds 0 differences', () => {
        expect(spawnSync('cp', ['-r', dataset, copy]).status).toBe(0);
        const seed = cli(['seed', copy, '--host', 'local-source', '--prefix', prefix]);
        expect(seed.status, seed.stderr).toBe(0);
        const m = cli([
          'migrate',
          '--from',
          'local-source',
          '--to',
          'local-target',
          '--dataset',
          copy,
          '--window',
          '1d',
          '--results',
          results,
        ]);
        expect(m.status, m.stderr + m.stdout).toBe(0);
        expect(m.stdout).toMatch(/verdict: PASS/);
        const check = rclone(
          ['check', `src:snds/${prefix}`, `dst:snds/${prefix}`, '--download'],
          loadProfile('local-source'),
          loadProfile('local-target'),
        );
        expect(check.output).toMatch(/ 0 differences found/);
        expect(check.status, check.output).toBe(0);
      });

      it('the reference cutover: PASS, 0 lost writes', async () => {
        const front = loadProfile('local-front').haproxy!;
        await haproxy(front.socket, `set server ${front.backend}/source state ready`);
        await haproxy(front.socket, `set server ${front.backend}/target state maint`);
        const r = cli([
          'cutover',
          '--front',
          'local-front',
          '--from',
          'local-source',
          '--to',
          'local-target',
          '--dataset',
          copy,
          '--procedure',
          'reference',
          '--at',
          '4s',
          '--duration',
          '10s',
          '--rate',
          '20',
          '--results',
          results,
          '--json',
        ]);
        expect(r.status, r.stderr || r.stdout).toBe(0);
        const report = JSON.parse(r.stdout);
        expect(report.verdict).toBe('PASS');
        expect(report.lost_writes).toEqual([]);
        expect(report.acknowledged_writes).toBeGreaterThan(0);
      });
    },
  );
}

const allBuilt = S3_IMPLEMENTATIONS.every((i) => existsSync(join(ROOT, '.tools', 'bin', BINARY[i])));
describe.skipIf(skip || !allBuilt)('README interoperability table', () => {
  it('every cell is what the probe observed', () => {
    const table = readmeTable();
    expect([...table.keys()]).toEqual([...CAPABILITIES]);
    for (const c of CAPABILITIES) {
      for (const impl of S3_IMPLEMENTATIONS) {
        expect(table.get(c)!.get(NAMES[impl]), `${c} on ${impl}`).toBe(observed.get(c)!.get(NAMES[impl]));
      }
    }
  });
});
