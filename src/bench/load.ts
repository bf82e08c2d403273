// `npm run bench:load`: warp and our k6 scenarios against the same versitygw, with the same object
// size and concurrency, in one run, over plain HTTP (the lab's source) and over HTTPS (its target, with
// the lab CA). One JSON line per comparison; the peer is measured here too.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp } from '../hosts/lab.js';
import { credentialsOf, loadProfile, type HostProfile } from '../hosts/profile.js';
import { projectPath } from '../util/paths.js';
import { sampleParquet } from '../dataset/sample.js';
import { runScenario } from '../load/run.js';

const SIZE_MIB = Number(process.env.BENCH_OBJECT_MIB ?? 4);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const DURATION_S = Number(process.env.BENCH_DURATION_S ?? 20);

function warp(
  op: 'put' | 'get',
  p: HostProfile,
  c: { accessKey: string; secretKey: string },
): { mib: number; obj: number } {
  const endpoint = new URL(p.endpoint);
  // warp keeps its raw data in a file of its own: a temporary folder, not the working directory.
  const data = join(mkdtempSync(join(tmpdir(), 'sndsbench-warp-')), op);
  const args = [
    op,
    '--host',
    endpoint.host,
    ...(endpoint.protocol === 'https:' ? ['--tls'] : []),
    '--bucket',
    `warp-${op}`,
    '--obj.size',
    `${SIZE_MIB}MiB`,
    '--concurrent',
    String(CONCURRENCY),
    '--duration',
    `${DURATION_S}s`,
    '--noprefix',
    '--benchdata',
    data,
  ];
  if (op === 'get') args.push('--objects', '64');
  const r = spawnSync(projectPath('.tools', 'bin', 'warp'), args, {
    encoding: 'utf8',
    env: {
      ...process.env,
      WARP_ACCESS_KEY: c.accessKey,
      WARP_SECRET_KEY: c.secretKey,
      ...(p.ca_bundle ? { SSL_CERT_FILE: p.ca_bundle } : {}),
    },
  });
  const m = /Report: (PUT|GET)[\s\S]*?Average: ([\d.]+) MiB\/s, ([\d.]+) obj\/s/.exec(r.stdout);
  if (!m) throw new Error(`warp ${op} gave no report: ${(r.stderr || r.stdout).trim().split('\n').pop()}`);
  return { mib: Number(m[2]), obj: Number(m[3]) };
}

async function ours(op: 'put' | 'get', host: string): Promise<{ mib: number; obj: number }> {
  const results = mkdtempSync(join(tmpdir(), 'sndsbench-bench-'));
  const env = {
    VUS: String(CONCURRENCY),
    DURATION: `${DURATION_S}s`,
    OBJECT_SIZE: String(SIZE_MIB * 1024 ** 2),
    ...(op === 'get' ? { PATTERN: 'full', OBJECTS: '64' } : {}),
  };
  const r = await runScenario({
    scenario: op === 'put' ? 'ingest' : 'read',
    host,
    profile: 'ci',
    segments: 1,
    results,
    env,
    sample: sampleParquet,
  });
  const m = (r.summary as { metrics: Record<string, { values: Record<string, number> }> }).metrics;
  return { mib: m.s3_bytes.values.rate / 1024 ** 2, obj: m.s3_objects.values.rate };
}

async function main(): Promise<void> {
  await labUp();
  for (const host of ['local-source', 'local-target']) {
    const p = loadProfile(host);
    const c = credentialsOf(p);
    const scheme = new URL(p.endpoint).protocol.replace(':', '');
    for (const op of ['put', 'get'] as const) {
      const peer = warp(op, p, c);
      const mine = await ours(op, host);
      for (const [metric, a, b] of [
        ['throughput_mib_s', mine.mib, peer.mib],
        ['objects_per_s', mine.obj, peer.obj],
      ] as const) {
        console.log(
          JSON.stringify({
            metric,
            op,
            scheme,
            ours: round(a),
            peer: 'warp',
            peer_value: round(b),
            ratio: round(a / b),
            object_mib: SIZE_MIB,
            concurrency: CONCURRENCY,
          }),
        );
      }
    }
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

// The lab goes down afterwards, as the demo's does: nothing keeps running behind the figures.
main()
  .finally(() => labDown())
  .catch((e) => {
    console.error(`bench:load: ${(e as Error).message}`);
    process.exit(1);
  });
