// The commands as the README writes them: relative paths and default options, from the repo root, and
// once from another folder. k6 resolves a relative path against its script's folder, so a path that
// reaches it unresolved fails here and nowhere else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
// Inside the repo (git-ignored), so that the README's relative paths name it from the root.
mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
const WORK = relative(ROOT, mkdtempSync(join(ROOT, 'test-artifacts', 'as-typed-')));
const DATA = join(WORK, 'data');
const prefix = `as-typed-${Date.now().toString(36)}`;

function sndsbench(args: string[], cwd = ROOT) {
  return spawnSync('node', [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
}

/** The run folders a command added to `results/` (the default), removed after the test. */
function newRuns(before: Set<string>, dir = join(ROOT, 'results')): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((d) => !before.has(d) && !d.startsWith('_')) : [];
}
const runsNow = (dir = join(ROOT, 'results')) => new Set(existsSync(dir) ? readdirSync(dir) : []);

describe.skipIf(skip)('the README as typed', () => {
  const created: string[] = [];
  beforeAll(() => {
    expect(sndsbench(['lab', 'up']).status).toBe(0);
    const g = sndsbench(['generate', '--beneficiaries', '300', '--years', '2024', '--out', DATA]);
    expect(g.status, g.stderr).toBe(0);
    const s = sndsbench(['seed', DATA, '--host', 'local-source', '--prefix', prefix]);
    expect(s.status, s.stderr).toBe(0);
  });
  afterAll(() => {
    for (const d of created) rmSync(d, { recursive: true, force: true });
    rmSync(join(ROOT, WORK), { recursive: true, force: true });
    sndsbench(['lab', 'down']);
  });

  it('run read --host local-source writes results/<run-id>/ from the repo root', () => {
    const before = runsNow();
    const r = sndsbench(['run', 'read', '--host', 'local-source']);
    const runs = newRuns(before);
    created.push(...runs.map((d) => join(ROOT, 'results', d)));
    expect(r.status, r.stderr).toBe(0);
    expect(runs).toHaveLength(1);
    expect(existsSync(join(ROOT, 'results', runs[0], 'summary.json'))).toBe(true);
  });

  it('migrate --dataset DIR with a relative dataset and the default results folder', () => {
    const before = runsNow();
    const r = sndsbench([
      'migrate',
      '--from',
      'local-source',
      '--to',
      'local-target',
      '--dataset',
      DATA,
      '--window',
      '1d',
    ]);
    const runs = newRuns(before);
    created.push(...runs.map((d) => join(ROOT, 'results', d)));
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/verdict: PASS/);
    expect(existsSync(join(ROOT, DATA, '_migrated-local-source-to-local-target.json'))).toBe(true);
    const report = sndsbench(['report', ...runs.map((d) => join('results', d)), '--out', join(WORK, 'report')]);
    expect(report.status, report.stderr).toBe(0);
    expect(existsSync(join(ROOT, WORK, 'report', 'report.html'))).toBe(true);
  });

  it("from another folder, relative paths are the working directory's", () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'sndsbench-elsewhere-'));
    created.push(elsewhere);
    const dataset = relative(elsewhere, join(ROOT, DATA));
    const read = sndsbench(['run', 'read', '--host', 'local-source', '--results', 'r'], elsewhere);
    expect(read.status, read.stderr).toBe(0);
    const migrate = sndsbench(
      [
        'migrate',
        '--from',
        'local-source',
        '--to',
        'local-target',
        '--dataset',
        dataset,
        '--window',
        '1d',
        '--delta',
        '--results',
        'r',
      ],
      elsewhere,
    );
    expect(migrate.status, migrate.stderr).toBe(0);
    expect(readdirSync(join(elsewhere, 'r')).filter((d) => !d.startsWith('_'))).toHaveLength(2);
    expect(existsSync(join(ROOT, 'scenarios', 'r'))).toBe(false);
  });
});
