// `npm run bench:migrate`: `rclone copy` and our migration scenario with the same source, target and
// concurrency, in one run, on a generated dataset seeded on the lab's source. One JSON line per figure.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../hosts/lab.js';
import { loadProfile } from '../hosts/profile.js';
import { migrate } from '../load/migrate.js';
import { rclone } from '../hosts/rclone.js';
import { seed } from '../dataset/seed.js';
import { generate } from '../dataset/generate.js';
import { ALL_TABLES } from '../snds/catalog.js';

const BENEFICIARIES = Number(process.env.BENCH_BENEFICIARIES ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);

const round = (x: number) => Math.round(x * 1000) / 1000;
const line = (o: object) => console.log(JSON.stringify(o));

async function main(): Promise<void> {
  await labUp();
  const work = mkdtempSync(join(tmpdir(), 'sndsbench-bench-migrate-'));
  const dataset = join(work, 'dataset');
  await generate({
    beneficiaries: BENEFICIARIES,
    firstYear: 2023,
    lastYear: 2024,
    seed: 42,
    out: dataset,
    shard: { index: 0, count: 1 },
    tables: ALL_TABLES,
    overwrite: false,
    resume: false,
    fileRows: 1 << 20,
    progress: false,
  });
  const from = loadProfile('local-source');
  const to = loadProfile('local-target');
  const prefix = `bench-migrate-${Date.now()}`;
  await seed({ dir: dataset, profile: from, prefix, concurrency: 4, partSize: 16 * 1024 ** 2, progress: false });
  const objects = (
    JSON.parse(readFileSync(join(dataset, `_seed-${from.name}.json`), 'utf8')) as { objects: { bytes: number }[] }
  ).objects;
  const bytes = objects.reduce((s, o) => s + o.bytes, 0);

  // The peer: copy, then its own full check (both sides read back), each timed from outside.
  let started = Date.now();
  const copy = rclone(
    [
      'copy',
      '--transfers',
      String(CONCURRENCY),
      '--checkers',
      String(CONCURRENCY),
      `src:snds/${prefix}`,
      `dst:snds/${prefix}-rclone`,
    ],
    from,
    to,
  );
  const rcloneCopy = (Date.now() - started) / 1000;
  if (copy.status !== 0) throw new Error(`rclone copy failed: ${copy.output.trim().split('\n').pop()}`);
  started = Date.now();
  const check = rclone(
    ['check', '--download', '--checkers', String(CONCURRENCY), `src:snds/${prefix}`, `dst:snds/${prefix}-rclone`],
    from,
    to,
  );
  const rcloneCheck = (Date.now() - started) / 1000;
  if (check.status !== 0) throw new Error(`rclone check failed: ${check.output.trim().split('\n').pop()}`);

  started = Date.now();
  const ours = await migrate({
    from: from.name,
    to: to.name,
    dataset,
    window: '1d',
    streams: CONCURRENCY,
    prefixes: 1,
    partSize: 16 * 1024 ** 2,
    retries: 4,
    delta: false,
    results: join(work, 'results'),
  });
  const oursTotal = (Date.now() - started) / 1000;
  if (ours.exitCode !== 0) throw new Error(`migrate failed: ${ours.text}`);

  const common = { objects: objects.length, mb: round(bytes / 1e6), concurrency: CONCURRENCY };
  const mbs = (s: number) => bytes / 1e6 / s;
  line({
    metric: 'copy_mb_per_s',
    ours: round(ours.rehearsal.bytes_per_second / 1e6),
    peer: 'rclone',
    peer_value: round(mbs(rcloneCopy)),
    ratio: round(ours.rehearsal.bytes_per_second / 1e6 / mbs(rcloneCopy)),
    ...common,
    note: 'ours: the copy phase of the scenario; rclone: the wall time of rclone copy',
  });
  line({
    metric: 'copy_and_verify_mb_per_s',
    ours: round(mbs(oursTotal)),
    peer: 'rclone',
    peer_value: round(mbs(rcloneCopy + rcloneCheck)),
    ratio: round(mbs(oursTotal) / mbs(rcloneCopy + rcloneCheck)),
    ...common,
    note: 'whole commands: sndsbench migrate (copy, read back, SHA-256) against rclone copy + rclone check --download',
  });
}

// The lab goes down afterwards, as the demo's does: nothing keeps running behind the figures.
main()
  .finally(() => labDown())
  .catch((e) => {
    console.error(`bench:migrate: ${(e as Error).message}`);
    process.exit(1);
  });
