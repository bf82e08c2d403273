// `npm run bench:validate [-- DIR]`: `validate` on one dataset, in its own process, as one JSON line:
// its wall and CPU time, its peak RSS, DuckDB's memory limit and the dataset's size. Without DIR, a
// dataset of BENCH_BENEFICIARIES (10,000) × BENCH_YEARS (2022-2024) is generated first, then removed.
// The peak is what the memory bound is judged on: it should not grow with the dataset.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '../util/paths.js';
import { datasetManifests, type Manifest } from '../contracts/dataset.js';
import { VALIDATE_MEMORY_LIMIT } from '../dataset/validate-db.js';

const given = process.argv[2];
const memoryLimit = process.env.BENCH_MEMORY_LIMIT ?? VALIDATE_MEMORY_LIMIT;
const cli = projectPath('dist', 'src', 'cli.js');

function generated(): string {
  const out = join(mkdtempSync(join(tmpdir(), 'sndsbench-bench-validate-')), 'dataset');
  const beneficiaries = process.env.BENCH_BENEFICIARIES ?? '10000';
  const years = process.env.BENCH_YEARS ?? '2022-2024';
  const r = spawnSync('node', [cli, 'generate', '--beneficiaries', beneficiaries, '--years', years, '--out', out], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`generation failed: ${r.stderr}`);
  return out;
}

/** The dataset's parameters, rows and bytes, from its manifests. */
function size(dir: string) {
  const manifests = datasetManifests(dir).map((m) => JSON.parse(readFileSync(join(dir, m), 'utf8')) as Manifest);
  const files = manifests.flatMap((m) => m.files);
  const p = manifests[0].parameters as { beneficiaries: number; years: string; seed: number };
  return {
    beneficiaries: p.beneficiaries,
    years: p.years,
    seed: p.seed,
    rows: files.reduce((s, f) => s + f.rows, 0),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}

const dir = given ?? generated();
try {
  const r = spawnSync('node', [projectPath('dist', 'src', 'bench', 'validate-child.js'), dir, memoryLimit], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`validate failed: ${r.stderr}`);
  const run = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  const r1 = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      bench: 'validate',
      ...size(dir),
      memoryLimit,
      seconds: r1(run.seconds),
      cpuSeconds: r1(run.cpuSeconds),
      peakRssMb: Math.round(run.maxRssMb),
      checks: run.checks,
      failed: run.failed,
    }),
  );
} finally {
  if (!given) rmSync(join(dir, '..'), { recursive: true, force: true });
}
