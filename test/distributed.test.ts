// The distributed paths, rehearsed on one machine with the environment the Kubernetes manifests give
// their pods: k6-operator runs `k6 archive`s of the scenarios, and the Indexed Job's pods write their
// shards straight to a bucket, which `manifest merge` then accepts.
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
import { access, removeAll } from '../src/hosts/sync.js';
import { sampleParquet } from '../src/dataset/sample.js';
import { parquetLayout } from '../src/load/layout.js';
import { LAB, lacking } from './support/tools.js';

const skip = lacking(__filename, [...LAB]);
const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'src', 'cli.js');
const K6 = join(ROOT, '.tools', 'bin', 'k6');
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

describe.skipIf(skip)("k6-operator: k6 archives of the scenarios, run with the TestRun pods' environment", () => {
  const [testRun] = manifest('k6-testrun.yaml');
  const podEnv: Record<string, string> = Object.fromEntries(
    testRun.spec.runner.env.map((e: { name: string; value: string }) => [e.name, e.value]),
  );
  const target = loadProfile('local-target');
  const keys = labKeys();

  for (const scenario of ['ingest', 'read', 'mixed']) {
    it(`${scenario}: archived, then run from the archive against the lab with 0 failed requests`, async () => {
      const archive = join(work, `${scenario}.tar`);
      // What the archive carries, as the TestRun's comment says: the pod's endpoint and bucket (the pod
      // environment may override them), no key; the read pattern's real Parquet file, opened at init.
      const baked: Record<string, string> = { S3_ENDPOINT: podEnv.S3_ENDPOINT, S3_BUCKET: podEnv.S3_BUCKET };
      if (scenario === 'read') {
        baked.PARQUET = await sampleParquet(join(work, 'sample'));
        baked.LAYOUT = JSON.stringify(await parquetLayout(baked.PARQUET));
      }
      const a = spawnSync(
        K6,
        [
          'archive',
          ...Object.entries(baked).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
          '-O',
          archive,
          join(ROOT, 'scenarios', `${scenario}.ts`),
        ],
        { encoding: 'utf8', env: { ...process.env, K6_NO_USAGE_REPORT: 'true' } },
      );
      expect(a.status, a.stderr).toBe(0);
      // The pod's environment, pointed at the lab (the secret's two keys, the lab CA), scaled down; the
      // Prometheus output of the TestRun's arguments is replaced by the end-of-test summary.
      const env = {
        PATH: process.env.PATH!,
        HOME: process.env.HOME!,
        ...podEnv,
        S3_ENDPOINT: target.endpoint,
        S3_BUCKET: target.bucket,
        S3_REGION: target.region,
        SSL_CERT_FILE: target.ca_bundle!,
        S3_ACCESS_KEY: keys[target.credentials.access_key_env],
        S3_SECRET_KEY: keys[target.credentials.secret_key_env!],
        VUS: '2',
        DURATION: '3s',
        OBJECT_SIZE: String(4 * 1024 ** 2),
        PART_SIZE: String(5 * 1024 ** 2),
        SUMMARY_JSON: join(work, `${scenario}-summary.json`),
        PREFIX: `distributed-${scenario}-${Date.now().toString(36)}`,
      };
      const args = String(testRun.spec.arguments)
        .split(/\s+/)
        .filter((x, i, all) => x !== '--out' && all[i - 1] !== '--out');
      const r = await new Promise<{ status: number; out: string }>((resolve) => {
        const child = spawn(K6, ['run', '--quiet', ...args, archive], { env });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('exit', (code) => resolve({ status: code ?? -1, out }));
      });
      expect(r.status, r.out).toBe(0);
      const m = JSON.parse(readFileSync(env.SUMMARY_JSON, 'utf8')).metrics;
      expect(m.http_req_failed.values.rate).toBe(0);
      expect(m.s3_objects.values.count).toBeGreaterThan(0);
      expect(await removeAll(access(target), `${env.PREFIX}/`)).toBeGreaterThan(0);
    });
  }
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
