// `generate --workers N`: one process per core, each generating one shard into the same folder, then
// the shard manifests merged. DuckDB stays single-threaded in each, so output never depends on timing.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { prepareOutput, type GenerateOptions } from './generate.js';
import { mergeManifests } from './manifest.js';
import { checkCalibration } from '../model/calibration.js';
import { type Manifest } from '../contracts/dataset.js';
import { generationFlags, ONE_POOL_THREAD } from './one-pool.js';

const CLI = fileURLToPath(new URL('../cli.js', import.meta.url));

export async function generateWithWorkers(o: GenerateOptions, workers: number): Promise<Manifest> {
  checkCalibration(); // a bad model file stops here, with exit 2, not in each worker
  if (!o.resume) prepareOutput(o);
  const years = `${o.firstYear}-${o.lastYear}`;
  const runs = Array.from({ length: workers }, (_, i) => {
    const args = [
      ...generationFlags(),
      CLI,
      'generate',
      '--beneficiaries',
      String(o.beneficiaries),
      '--years',
      years,
      '--seed',
      String(o.seed),
      '--out',
      o.out,
      '--shard',
      `${i}/${workers}`,
      '--tables',
      o.tables.join(','),
      '--file-rows',
      String(o.fileRows),
    ];
    if (o.resume) args.push('--resume');
    const child = spawn(process.execPath, args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...ONE_POOL_THREAD, CI: 'true' },
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    return new Promise<void>((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`worker ${i}/${workers}: ${err.trim() || 'exit ' + code}`)),
      ),
    );
  });
  await Promise.all(runs);
  const merged = mergeManifests([o.out]);
  if (!merged.ok) throw new Error(merged.problems[0]);
  return merged.manifest!;
}
