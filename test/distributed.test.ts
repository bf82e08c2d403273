// The distributed paths, rehearsed on one machine with the environment the Kubernetes manifests give
// their pods: the load Job's pods each run one execution segment, which `results merge` joins, and the
// generate Job's pods write their shards straight to a bucket, which `manifest merge` then accepts.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scratch } from './support/scratch.js';
import { loadProfile } from '../src/hosts/profile.js';
import { s3Request } from '../src/hosts/s3node.js';
import { access, list, removeAll } from '../src/hosts/sync.js';
import { sampleParquet } from '../src/dataset/sample.js';
import { parquetLayout } from '../src/load/layout.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const work = scratch('distributed');

function cli(args: string[], env: Record<string, string> = {}) {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true', ...env } });
}
const manifest = (file: string) =>
  parseAllDocuments(readFileSync(join(ROOT, 'deploy', 'k8s', file), 'utf8')).map((d) => d.toJS());
const labKeys = () =>
  Object.fromEntries(
    readFileSync(join(ROOT, '.lab', 'credentials.env'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

beforeAll(() => {
  if (!skip) expect(cli(['lab', 'up']).status).toBe(0);
});
afterAll(() => {
  if (!skip) cli(['lab', 'down']);
});

describe.skipIf(skip)('load Job: each pod runs one execution segment, then the segments are merged', () => {
  const [configMap, job] = manifest('load-job.yaml');
  const target = loadProfile('local-target');
  const prefix = `load-job-${Date.now().toString(36)}`;
  // The ConfigMap's parameters, at a size for one machine: 2 segments of a 4-second ingest at 4 VUs.
  const params: Record<string, string> = {
    ...configMap.data,
    SEGMENTS: '2',
    VUS: '4',
    DURATION: '4s',
    OBJECT_SIZE: String(4 * 1024 ** 2),
    PART_SIZE: String(5 * 1024 ** 2),
    RESULTS: `s3://${target.bucket}/${prefix}`,
  };
  const host = {
    ...JSON.parse(params['host.json']),
    endpoint: target.endpoint,
    bucket: target.bucket,
    region: target.region,
    ca_bundle: target.ca_bundle,
  };
  const hostFile = join(work, 'load-host.json');
  const results = join(work, 'load-results');

  it("every pod's command runs its segment; results merge joins them and removes the run's objects", async () => {
    writeFileSync(hostFile, JSON.stringify(host));
    const keys = labKeys();
    const secret = {
      [host.credentials.access_key_env]: keys[target.credentials.access_key_env],
      [host.credentials.secret_key_env]: keys[target.credentials.secret_key_env!],
    };
    const container = job.spec.template.spec.containers[0];
    const command = String(container.args[0]).replace('/etc/sndsbench/host.json', hostFile);
    const pods = await Promise.all(
      Array.from(
        { length: Number(params.SEGMENTS) },
        (_, i) =>
          new Promise<{ status: number; out: string }>((resolve) => {
            const env = { ...process.env, ...params, ...secret, CI: 'true', JOB_COMPLETION_INDEX: String(i) };
            const child = spawn(container.command[0], [...container.command.slice(1), command], { cwd: ROOT, env });
            let log = '';
            child.stdout.on('data', (d) => (log += d));
            child.stderr.on('data', (d) => (log += d));
            child.on('exit', (code) => resolve({ status: code ?? -1, out: log }));
          }),
      ),
    );
    for (const pod of pods) expect(pod.status, pod.out).toBe(0);
    const where = `${params.RESULTS}/${params.RUN}`;
    // Each segment's summary says what it did; the merge must add them up, losing nothing.
    const parts = await Promise.all(
      [0, 1].map(async (i) => {
        const r = await s3Request(access(target), 'GET', `${prefix}/${params.RUN}/summary-${i}.json`);
        expect(r.status).toBe(200);
        return JSON.parse(r.body.toString()).metrics;
      }),
    );
    for (const m of parts) expect(m.iterations.values.count).toBeGreaterThan(0);

    const merged = cli(['results', 'merge', where, '--host', hostFile, '--results', results], secret);
    expect(merged.status, merged.stderr).toBe(0);
    const dir = join(results, params.RUN);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.merged_from_segments).toBe(2);
    for (const metric of ['iterations', 'http_reqs', 's3_objects', 's3_bytes'])
      expect(summary.metrics[metric].values.count, metric).toBe(
        parts[0][metric].values.count + parts[1][metric].values.count,
      );
    expect(summary.metrics.http_req_failed.values.rate).toBe(0);
    const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect([run.segments, run.exit, run.settings.VUS]).toEqual([2, 0, '4']);
    expect(run.objects_removed).toBeGreaterThan(0);
    expect((await list(access(target), `${run.settings.PREFIX}/`)).size).toBe(0);
    expect(cli(['report', results, '--out', join(work, 'load-report')]).status).toBe(0);

    // A missing segment is named, and nothing merged.
    const key = `${prefix}/${params.RUN}/summary-1.json`;
    expect((await s3Request(access(target), 'DELETE', key)).status).toBe(204);
    const broken = cli(['results', 'merge', where, '--host', hostFile, '--results', join(work, 'broken')], secret);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toContain('segment 1 of 2 missing');
    expect(await removeAll(access(target), `${prefix}/`)).toBeGreaterThan(0);
  });
});

describe.skipIf(skip)('Indexed Job: shards written straight to the bucket by N processes, then merged there', () => {
  const [configMap, job] = manifest('generate-job.yaml');
  // The ConfigMap's parameters, at a size for one machine: 4 shards of 1,000 beneficiaries.
  const params: Record<string, string> = { ...configMap.data, BENEFICIARIES: '4000', SHARDS: '4' };
  const prefix = `indexed-${Date.now().toString(36)}`;
  const source = loadProfile('local-source');

  it("every pod's command writes its shard; manifest merge accepts them; the union is a one-process run", async () => {
    // The mounted host.json, pointed at the lab's source; the Secret's variables hold the lab's keys.
    const host = {
      ...JSON.parse(params['host.json']),
      endpoint: source.endpoint,
      bucket: source.bucket,
      region: source.region,
    };
    const hostFile = join(work, 'host.json');
    writeFileSync(hostFile, JSON.stringify(host));
    const keys = labKeys();
    const secret = {
      [host.credentials.access_key_env]: keys[source.credentials.access_key_env],
      [host.credentials.secret_key_env]: keys[source.credentials.secret_key_env!],
    };
    const container = job.spec.template.spec.containers[0];
    const command = String(container.args[0]).replace('/etc/sndsbench/host.json', hostFile);
    const out = `s3://${source.bucket}/${prefix}`;
    const pods = Array.from(
      { length: Number(params.SHARDS) },
      (_, i) =>
        new Promise<{ status: number; out: string }>((resolve) => {
          const env = { ...process.env, ...params, OUT: out, ...secret, CI: 'true', JOB_COMPLETION_INDEX: String(i) };
          const child = spawn(container.command[0], [...container.command.slice(1), command], { cwd: ROOT, env });
          let log = '';
          child.stdout.on('data', (d) => (log += d));
          child.stderr.on('data', (d) => (log += d));
          child.on('exit', (code) => resolve({ status: code ?? -1, out: log }));
        }),
    );
    for (const pod of await Promise.all(pods)) expect(pod.status, pod.out).toBe(0);

    const merged = cli(['manifest', 'merge', out, '--host', hostFile], secret);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`${out}/_manifest.json`);
    const got = await s3Request(access({ ...source }), 'GET', `${prefix}/_manifest.json`);
    const fromBucket = JSON.parse(got.body.toString()) as {
      files: { path: string; sha256: string; rows: number }[];
      rows: Record<string, number>;
    };

    const one = join(work, 'one-process');
    expect(
      cli([
        'generate',
        '--beneficiaries',
        params.BENEFICIARIES,
        '--years',
        params.YEARS,
        '--seed',
        params.SEED,
        '--out',
        one,
      ]).status,
    ).toBe(0);
    const single = JSON.parse(readFileSync(join(one, '_manifest.json'), 'utf8')) as typeof fromBucket;
    expect(fromBucket.rows).toEqual(single.rows);
    // The same rows, cut into other files: every table read back from the bucket against the one-process run.
    const back = join(work, 'from-bucket');
    for (const f of fromBucket.files) {
      const r = await s3Request(access(source), 'GET', `${prefix}/${f.path}`, {}, 60_000);
      expect(createHash('sha256').update(r.body).digest('hex'), f.path).toBe(f.sha256);
      mkdirSync(dirname(join(back, f.path)), { recursive: true });
      writeFileSync(join(back, f.path), r.body);
    }
    const db = await DuckDBInstance.create(':memory:');
    const conn = await db.connect();
    for (const table of Object.keys(single.rows)) {
      const q = (d: string) => `SELECT * FROM read_parquet('${d}/${table}/**/*.parquet', hive_partitioning = false)`;
      const r = await conn.runAndReadAll(
        `SELECT (SELECT count(*) FROM (${q(one)} EXCEPT ALL ${q(back)})), ` +
          `(SELECT count(*) FROM (${q(back)} EXCEPT ALL ${q(one)}))`,
      );
      expect([table, ...r.getRowsJS()[0].map(Number)]).toEqual([table, 0, 0]);
    }
    conn.closeSync();

    // A missing shard is named, not merged.
    expect((await s3Request(access(source), 'DELETE', `${prefix}/_manifest-2-of-4.json`)).status).toBe(204);
    const broken = cli(['manifest', 'merge', out, '--host', hostFile], secret);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/shard 2\/4 is missing/);
  });
});
