// The sndsbench command line. Exit codes: 0 ok, 1 a check failed, 2 bad input or environment.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../util/errors.js';
import { generate, type GenerateOptions } from '../dataset/generate.js';
import { generateWithWorkers } from '../dataset/workers.js';
import { validate, printChecks } from '../dataset/validate.js';
import { labDown, labStatus, labUp, S3_IMPLEMENTATIONS } from '../hosts/lab.js';
import { SCENARIOS, runScenario } from '../load/run.js';
import { sampleParquet } from '../dataset/sample.js';
import { probe, REQUIRED } from '../hosts/probe.js';
import { defaultPrefix, seed as seedDataset } from '../dataset/seed.js';
import { mergeBucketManifests, mergeManifests } from '../dataset/manifest.js';
import { loadProfile } from '../hosts/profile.js';
import { formatPlan, plan, uploadPlan } from '../dataset/plan.js';
import { writeAtomic } from '../util/files.js';
import { migrate, verifyTarget } from '../load/migrate.js';
import { cutover, DEFAULT_THRESHOLDS, type Thresholds } from '../load/cutover.js';
import { DEFAULT_CRITERIA, loadCriteria, report } from '../report/report.js';
import { validationReport } from '../dataset/validate-report.js';
import { demo } from './demo.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ALL_TABLES } from '../snds/catalog.js';
import { MAX_BENEFICIARIES } from '../dataset/layout.js';
import { preflight } from '../hosts/preflight.js';
import { calibrate, loadCalibration } from '../dataset/sizes.js';
import { parseBandwidth, parseSeconds } from '../util/units.js';

/** Paths are resolved against the user's working directory where they enter: k6 resolves a relative
 * path against its script's folder, and every later step must name the same file. */
const absolute = (p: string) => resolve(p);
const absolutes = (ps: string[]) => ps.map((p) => resolve(String(p)));

/** Progress bars only for a person at a terminal, never in CI. */
function onTerminal(): boolean {
  return Boolean(process.stderr.isTTY) && !process.env.CI;
}

function parseYears(s: string): [number, number] {
  const m = /^(\d{4})(?:-(\d{4}))?$/.exec(s);
  if (!m) throw new UsageError(`--years must be YYYY or YYYY-YYYY, got "${s}"`);
  const [a, b] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (a > b) throw new UsageError(`--years ${s} is inverted: the first year must not come after the last`);
  if (a < 2006 || b > 2099) throw new UsageError(`--years ${s} is outside 2006-2099 (the SNDS starts in 2006)`);
  return [a, b];
}

function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--shard must be i/N (for example 0/4), got "${s}"`);
  const [index, count] = [Number(m[1]), Number(m[2])];
  if (count < 1 || index >= count) throw new UsageError(`--shard ${s}: the shard index must be in 0..${count - 1}`);
  return { index, count };
}

function positiveInteger(name: string, v: unknown, max = Number.MAX_SAFE_INTEGER): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new UsageError(`--${name} must be a whole number from 1 to ${max}, got "${v}"`);
  return n;
}

function positiveNumber(name: string, v: unknown): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new UsageError(`--${name} must be a positive number, got "${v}"`);
  return n;
}

function parseTables(v: unknown): string[] {
  if (v === undefined) return ALL_TABLES;
  const list = String(v).split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = list.filter((t) => !ALL_TABLES.includes(t));
  if (unknown.length) throw new UsageError(`unknown table ${unknown.join(', ')}; known: ${ALL_TABLES.join(', ')}`);
  return ALL_TABLES.filter((t) => list.includes(t));
}

async function main(): Promise<number> {
  let code = 0;
  await yargs(hideBin(process.argv))
    .scriptName('sndsbench')
    .usage('$0 <command> [options]\n\nSynthetic SNDS-shaped Parquet datasets and load scenarios for benchmarking storage hosts.')
    .command(
      'generate',
      'Generate a synthetic SNDS-shaped dataset as Parquet, a pure function of the seed',
      (y) =>
        y
          .option('beneficiaries', { type: 'string', demandOption: true, describe: 'number of synthetic beneficiaries (IR_BEN_R rows)' })
          .option('years', { type: 'string', demandOption: true, describe: 'care years, YYYY-YYYY' })
          .option('seed', { type: 'string', default: '42', describe: 'seed (0 to 4294967295)' })
          .option('out', { type: 'string', demandOption: true, describe: 'output folder, or s3://bucket/prefix with --host', coerce: (o: string) => (o.startsWith('s3:') ? o : resolve(o)) })
          .option('shard', { type: 'string', default: '0/1', describe: 'generate shard i of N alone' })
          .option('tables', { type: 'string', describe: 'comma-separated tables (default: all)' })
          .option('file-rows', { type: 'string', default: '1048576', describe: 'rows per Parquet file (in row groups of 131,072), cut at block boundaries' })
          .option('overwrite', { type: 'boolean', default: false, describe: 'replace an existing dataset in --out' })
          .option('resume', { type: 'boolean', default: false, describe: 'complete an interrupted run with the same parameters' })
          .option('host', { type: 'string', describe: 'host profile, with --out s3://bucket/prefix' })
          .option('workers', { type: 'string', default: '1', describe: 'processes, one shard each (one per core); the result has the same rows' }),
      async (a) => {
        const [firstYear, lastYear] = parseYears(a.years);
        const seed = Number(a.seed);
        if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new UsageError(`--seed must be a whole number from 0 to 4294967295, got "${a.seed}"`);
        const s3 = /^s3:\/\/([^/]+)\/?(.*)$/.exec(a.out);
        if (a.out.startsWith('s3:') && !s3) throw new UsageError(`--out ${a.out}: write s3://bucket/prefix`);
        if (s3 && !a.host) throw new UsageError('--out s3://... needs --host PROFILE');
        const profile = s3 ? { ...loadProfile(a.host!), bucket: s3[1] } : null;
        const local = profile ? mkdtempSync(join(tmpdir(), 'sndsbench-s3-')) : a.out;
        const workers = positiveInteger('workers', a.workers, 256);
        if (workers > 1 && a.shard !== '0/1') throw new UsageError('--workers and --shard do not combine: --workers N generates the N shards itself');
        const generateAll = workers > 1 ? (o: GenerateOptions) => generateWithWorkers(o, workers) : generate;
        const m = await generateAll({
          beneficiaries: positiveInteger('beneficiaries', a.beneficiaries, MAX_BENEFICIARIES),
          firstYear,
          lastYear,
          seed,
          out: local,
          shard: parseShard(a.shard),
          tables: parseTables(a.tables),
          overwrite: a.overwrite,
          resume: a.resume,
          fileRows: positiveInteger('file-rows', a['file-rows']),
          progress: onTerminal(),
        });
        const total = Object.values(m.rows).reduce((s, n) => s + n, 0);
        const bytes = m.files.reduce((s, f) => s + f.bytes, 0);
        if (profile) {
          // Each shard's files go up as soon as they are complete; nothing stays on local disk.
          await seedDataset({ dir: local, profile, prefix: s3![2].replace(/\/$/, '') || 'snds', concurrency: 4, partSize: 16 * 1024 * 1024, progress: false });
          rmSync(local, { recursive: true, force: true });
        }
        console.log(`wrote ${m.files.length} files, ${total.toLocaleString('en')} rows, ${(bytes / 1e6).toFixed(1)} MB to ${a.out}`);
      },
    )
    .command(
      'plan',
      'Predict rows, bytes, files, core-hours and upload time of a dataset without generating it',
      (y) =>
        y
          .option('beneficiaries', { type: 'string', demandOption: true, describe: 'number of synthetic beneficiaries' })
          .option('years', { type: 'string', demandOption: true, describe: 'care years, YYYY-YYYY' })
          .option('seed', { type: 'string', default: '42', describe: 'seed (the prediction barely depends on it)' })
          .option('tables', { type: 'string', describe: 'comma-separated tables (default: all)' })
          .option('workers', { type: 'string', default: '1', describe: 'processes (one per core) for the wall time' })
          .option('shards', { type: 'string', describe: 'shards the dataset is cut into (default: the workers)' })
          .option('file-rows', { type: 'string', default: '1048576', describe: 'rows per Parquet file, as given to generate' })
          .option('calibrate', { type: 'string', array: true, describe: 'dataset folders to measure file sizes and rows/s on (default: the shipped calibration)', coerce: absolutes })
          .option('write-calibration', { type: 'string', describe: 'save the calibration measured with --calibrate to this file', coerce: absolute })
          .option('host', { type: 'string', describe: 'host profile: request counts, upload time (its caps) and cost (its prices)' })
          .option('bandwidth', { type: 'string', describe: 'upload bandwidth, for example 10Gbit or 800MB/s' })
          .option('put-rate', { type: 'string', describe: 'PUT requests per second the host accepts' })
          .option('connections', { type: 'string', default: '16', describe: "parallel uploads, times the profile's per-connection bandwidth when --bandwidth is not given" })
          .option('part-size', { type: 'string', default: String(16 * 1024 * 1024), describe: 'multipart part size in bytes' })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        const [firstYear, lastYear] = parseYears(a.years);
        const workers = positiveInteger('workers', a.workers, 100000);
        const upload = a.host !== undefined || a.bandwidth !== undefined || a['put-rate'] !== undefined;
        const options = {
          profile: a.host ? loadProfile(a.host) : null,
          bandwidth: a.bandwidth !== undefined ? parseBandwidth(a.bandwidth) : null,
          putRate: a['put-rate'] !== undefined ? positiveNumber('put-rate', a['put-rate']) : null,
          connections: positiveInteger('connections', a.connections, 100000),
          partSize: positiveInteger('part-size', a['part-size']),
        };
        const cal = a.calibrate ? calibrate(a.calibrate as string[]) : loadCalibration();
        if (a['write-calibration']) writeAtomic(a['write-calibration'], JSON.stringify(cal, null, 1) + '\n');
        const p = plan(
          {
            beneficiaries: positiveInteger('beneficiaries', a.beneficiaries, MAX_BENEFICIARIES),
            firstYear, lastYear, seed: Number(a.seed), workers,
            shards: a.shards !== undefined ? positiveInteger('shards', a.shards, 100000) : workers,
            fileRows: positiveInteger('file-rows', a['file-rows']),
            tables: parseTables(a.tables),
          },
          cal,
        );
        if (upload) {
          p.upload = uploadPlan(p, options);
          if (p.upload.bandwidth_bytes_per_second === null && p.upload.put_rate === null) throw new UsageError('give --bandwidth or --put-rate, or a --host whose profile states its limits');
        }
        console.log(a.json ? JSON.stringify(p, null, 1) : formatPlan(p));
      },
    )
    .command(
      'migrate',
      'Rehearse a migration of a seeded dataset from --from to --to, verify every object, and judge the full volume against the window',
      (y) =>
        y
          .option('from', { type: 'string', demandOption: true, describe: 'source host profile (S3 or Azure Blob), where the dataset was seeded' })
          .option('to', { type: 'string', demandOption: true, describe: 'target host profile (S3)' })
          .option('dataset', { type: 'string', demandOption: true, describe: 'the generated dataset folder (its manifest and seed record)', coerce: absolute })
          .option('window', { type: 'string', demandOption: true, describe: 'the migration window, for example 90d' })
          .option('volume', { type: 'string', describe: 'full volume to extrapolate to, for example 1.2PB' })
          .option('plan', { type: 'string', describe: 'or the JSON of "sndsbench plan --json" (its bytes and objects)', coerce: absolute })
          .option('streams', { type: 'string', default: '4', describe: 'parallel copy streams (k6 VUs)' })
          .option('prefixes', { type: 'string', default: '1', describe: 'buckets or prefixes the full migration writes to, each with the per-bucket cap' })
          .option('part-size', { type: 'string', default: String(16 * 1024 * 1024), describe: 'multipart part size, kept within the target profile\'s rules' })
          .option('retries', { type: 'string', default: '4', describe: 'retries per object before it is named as failed' })
          .option('delta', { type: 'boolean', default: false, describe: 'copy only the objects new or changed on the source since the last copy' })
          .option('verify', { type: 'boolean', default: false, describe: 'copy nothing: read the target back against the seed-time checksums' })
          .option('results', { type: 'string', default: 'results', describe: 'folder for results/<run-id>/', coerce: absolute })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        if (a.verify) {
          const v = await verifyTarget(a.dataset, a.from, a.to);
          if (a.json) console.log(JSON.stringify(v, null, 1));
          else {
            for (const p of v.problems) console.log(`FAILED ${p}`);
            console.log(`verified ${v.checked - v.problems.length} of ${v.checked} objects on ${a.to}`);
          }
          code = v.problems.length ? 1 : 0;
          return;
        }
        const r = await migrate({
          from: a.from, to: a.to, dataset: a.dataset, window: a.window, volume: a.volume, plan: a.plan,
          streams: positiveInteger('streams', a.streams, 1024), prefixes: positiveInteger('prefixes', a.prefixes, 1_000_000),
          partSize: positiveInteger('part-size', a['part-size']), retries: positiveInteger('retries', Number(a.retries) + 1, 101) - 1,
          delta: a.delta, results: a.results,
        });
        console.log(a.json ? JSON.stringify({ dir: r.dir, rehearsal: r.rehearsal, verdict: r.verdict }, null, 1) : `${r.text}\nresults in ${r.dir}`);
        code = r.exitCode;
      },
    )
    .command(
      'cutover',
      'Rehearse the switch to the new host under load through the front, and judge lost writes, stale reads and downtime',
      (y) =>
        y
          .option('front', { type: 'string', demandOption: true, describe: 'host profile the clients use (a load balancer or DNS name)' })
          .option('from', { type: 'string', demandOption: true, describe: 'the old host, where the dataset was seeded' })
          .option('to', { type: 'string', demandOption: true, describe: 'the new host' })
          .option('dataset', { type: 'string', demandOption: true, describe: 'the dataset folder (its seed record on --from)', coerce: absolute })
          .option('procedure', { type: 'string', demandOption: true, describe: 'the switch: a command (yours), or "reference" (delta sync, HAProxy switch, delta sync)' })
          .option('at', { type: 'string', default: '60s', describe: 'when the procedure starts, after the load' })
          .option('duration', { type: 'string', default: '180s', describe: 'how long the load runs' })
          .option('rate', { type: 'string', default: '40', describe: 'iterations per second (reads, writes, read-modify-writes)' })
          .option('no-reuse', { type: 'boolean', default: false, describe: 'no connection reuse, for DNS-based switches (keep-alive stays on the old host)' })
          .option('thresholds', { type: 'string', describe: `JSON overriding ${JSON.stringify(DEFAULT_THRESHOLDS)}` })
          .option('results', { type: 'string', default: 'results', describe: 'folder for results/<run-id>/', coerce: absolute })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        let thresholds: Thresholds = DEFAULT_THRESHOLDS;
        if (a.thresholds) {
          try {
            thresholds = { ...DEFAULT_THRESHOLDS, ...JSON.parse(a.thresholds) };
          } catch {
            throw new UsageError(`--thresholds must be JSON such as '{"longest_failure_s": 2}'`);
          }
        }
        const r = await cutover({
          front: a.front, from: a.from, to: a.to, dataset: a.dataset, procedure: a.procedure,
          at: parseSeconds('at', a.at), duration: parseSeconds('duration', a.duration), rate: positiveInteger('rate', a.rate, 10000),
          noReuse: a['no-reuse'], results: a.results, thresholds,
        });
        const { timeline, ...rest } = r.report;
        console.log(a.json ? JSON.stringify({ dir: r.dir, ...rest, timeline }, null, 1) : `${r.text}\nresults in ${r.dir}`);
        code = r.exitCode;
      },
    )
    .command(
      'report <results..>',
      'Put the candidate hosts of the given runs side by side: one HTML page with charts, Markdown and JSON, and a scorecard',
      (y) =>
        y
          .positional('results', { type: 'string', array: true, demandOption: true, describe: 'run folders, or folders of runs (results/)', coerce: absolutes })
          .option('out', { type: 'string', demandOption: true, describe: 'folder for report.html, report.md, report.json', coerce: absolute })
          .option('criteria', { type: 'string', default: DEFAULT_CRITERIA, describe: "the scorecard's criteria and thresholds (the tender's), JSON", coerce: absolute }),
      async (a) => {
        const r = await report(a.results as string[], a.out, loadCriteria(a.criteria));
        const fails = r.scorecard.filter((row) => Object.values(row.cells).some((c) => c.pass === false)).length;
        console.log(`${r.runs.length} runs, ${r.candidates.length} candidates (${r.candidates.join(', ')}); ${fails} criteria failed by at least one; report in ${a.out}/report.html`);
      },
    )
    .command(
      'demo',
      'The whole path on this machine: tools, lab, a small dataset, ingest, read, migration and cutover against two local candidates, the report',
      (y) => y.option('out', { type: 'string', default: 'demo', describe: 'folder for the dataset, the results and the report', coerce: absolute }),
      async (a) => {
        const started = Date.now();
        const page = await demo(a.out, (l) => console.log(l));
        console.log(`done in ${Math.round((Date.now() - started) / 1000)} s; open ${page} (and ${a.out}/report/dataset.html)`);
      },
    )
    .command(
      'validate <dir>',
      'Check a generated dataset: schema, keys, joins, dates, amounts, marginals against published statistics',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, coerce: absolute })
          .option('json', { type: 'boolean', default: false })
          .option('report', { type: 'string', describe: 'also write the realism report (charts against the references, and the checks) to this HTML file', coerce: absolute }),
      async (a) => {
        if (a.report) await validationReport(a.dir!, a.report);
        const checks = await validate(a.dir!);
        if (a.json) console.log(JSON.stringify({ passed: checks.every((c) => c.ok), checks }, null, 1));
        else printChecks(checks);
        code = checks.every((c) => c.ok) ? 0 : 1;
      },
    )
    .command(
      'lab <action>',
      'Start, stop or inspect the local lab of real hosts on 127.0.0.1 (up | down | status)',
      (y) =>
        y
          .positional('action', { choices: ['up', 'down', 'status'] as const, demandOption: true })
          .option('base-port', { type: 'string', default: '17070', describe: 'first of six consecutive ports: source, target, target via toxiproxy, front, Azurite, toxiproxy API (SeaweedFS takes base+10 to base+15 too)' })
          .option('s3', { choices: S3_IMPLEMENTATIONS, default: 'versitygw' as const, describe: 'the S3 server implementation of the source and the target' }),
      async (a) => {
        if (a.action === 'up') for (const l of await labUp(positiveInteger('base-port', a['base-port'], 65530), a.s3)) console.log(l);
        else if (a.action === 'down') for (const l of await labDown()) console.log(l);
        else {
          const st = await labStatus();
          for (const s of st) console.log(`${s.name.padEnd(10)} ${s.port ? '127.0.0.1:' + s.port : '-'}  ${s.pid ? 'pid ' + s.pid : 'not started'}  ${s.listening ? 'listening' : 'down'}`);
          code = st.every((s) => s.listening) ? 0 : 1;
        }
      },
    )
    .command(
      'manifest merge <dirs..>',
      'Check that all N shards of a dataset are present, consistent and complete, and write its _manifest.json (folders, or s3://bucket/prefix with --host)',
      (y) =>
        y
          .positional('dirs', { type: 'string', array: true, demandOption: true, coerce: (ds: string[]) => ds.map((d) => (String(d).startsWith('s3:') ? String(d) : resolve(String(d)))) })
          .option('out', { type: 'string', describe: 'folder for _manifest.json (default: the first DIR)', coerce: absolute })
          .option('host', { type: 'string', describe: 'host profile, for shards written to s3://bucket/prefix' }),
      async (a) => {
        const dirs = a.dirs as string[];
        const inBucket = dirs[0].startsWith('s3:');
        if (inBucket && (dirs.length > 1 || !a.host)) throw new UsageError('manifest merge s3://bucket/prefix takes one location and --host PROFILE');
        const r = inBucket ? await mergeBucketManifests(dirs[0], loadProfile(a.host!)) : mergeManifests(dirs, a.out ?? dirs[0]);
        if (!r.ok) {
          for (const p of r.problems) console.error(`sndsbench: ${p}`);
          code = 1;
          return;
        }
        const total = Object.values(r.manifest!.rows).reduce((s, n) => s + n, 0);
        console.log(`merged ${r.manifest!.files.length} files, ${total.toLocaleString('en')} rows, into ${r.path}`);
      },
    )
    .command(
      'seed <dir>',
      'Upload a generated dataset to a host (parallel multipart, SHA-256 recorded, resumable)',
      (y) =>
        y
          .positional('dir', { type: 'string', demandOption: true, coerce: absolute })
          .option('host', { type: 'string', demandOption: true, describe: 'host profile name or path' })
          .option('prefix', { type: 'string', describe: 'key prefix (default: the folder name)' })
          .option('concurrency', { type: 'string', default: '4', describe: 'objects uploaded at once' })
          .option('part-size', { type: 'string', default: String(16 * 1024 * 1024), describe: 'multipart part size in bytes, kept within the host limits' }),
      async (a) => {
        const objects = await seedDataset({
          dir: a.dir!, profile: loadProfile(a.host), prefix: a.prefix ?? defaultPrefix(a.dir!), concurrency: positiveInteger('concurrency', a.concurrency, 256),
          partSize: positiveInteger('part-size', a['part-size']), progress: onTerminal(),
        });
        const skipped = objects.filter((x) => x.skipped).length;
        console.log(`seeded ${objects.length} objects (${skipped} already there with the same checksum) to ${a.host}`);
      },
    )
    .command(
      'probe',
      'Observe which S3 features a host has (single PUT, multipart, range GET, listing pages, metadata, checksums, addressing), with real requests under a prefix removed afterwards',
      (y) =>
        y
          .option('host', { type: 'string', demandOption: true, describe: 'host profile name (hosts/NAME.json) or path' })
          .option('json', { type: 'boolean', default: false }),
      async (a) => {
        const p = loadProfile(a.host);
        await preflight(p);
        const seen = await probe(p);
        if (a.json) console.log(JSON.stringify({ host: p.name, provider: p.provider, capabilities: seen }, null, 1));
        else for (const o of seen) console.log(`${o.capability.padEnd(24)} ${o.ok ? 'yes' : 'NO '}  ${o.detail}`);
        const missing = seen.filter((o) => !o.ok && REQUIRED.includes(o.capability));
        if (missing.length) console.error(`sndsbench: ${p.name} lacks ${missing.map((o) => o.capability).join(', ')}, which the scenarios need`);
        code = missing.length ? 1 : 0;
      },
    )
    .command(
      'run <scenario>',
      `Run a k6 scenario (${SCENARIOS.join(', ')}) against a host profile; results in results/<run-id>/`,
      (y) =>
        y
          .positional('scenario', { type: 'string', demandOption: true })
          .option('host', { type: 'string', demandOption: true, describe: 'host profile name (hosts/NAME.json) or path' })
          .option('profile', { choices: ['ci', 'full'] as const, default: 'ci' as const, describe: 'ci: small and short; full: Parquet-sized objects for minutes' })
          .option('segments', { type: 'string', default: '1', describe: 'k6 processes, each running one execution segment; results merged' })
          .option('results', { type: 'string', default: 'results', describe: 'folder for results/<run-id>/', coerce: absolute })
          .option('thresholds', { type: 'string', describe: 'k6 thresholds as JSON, replacing the scenario default' })
          .option('set', { type: 'array', string: true, describe: 'scenario setting KEY=VALUE (VUS, DURATION, OBJECT_SIZE, PART_SIZE, MODE, RATE...)' }),
      async (a) => {
        const env: Record<string, string> = {};
        for (const kv of (a.set ?? []) as string[]) {
          const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(kv);
          if (!m) throw new UsageError(`--set takes KEY=VALUE with an upper-case KEY, got "${kv}"`);
          env[m[1]] = m[2];
        }
        const r = await runScenario({ scenario: a.scenario!, host: a.host, profile: a.profile, segments: positiveInteger('segments', a.segments, 64), results: a.results, env, thresholds: a.thresholds, sample: sampleParquet });
        console.log(`results in ${r.dir}${r.exitCode ? ' (a threshold failed)' : ''}`);
        code = r.exitCode;
      },
    )
    .demandCommand(1, 'name a command: demo, generate, plan, validate, manifest, lab, seed, probe, run, migrate, cutover, report')
    .strict()
    .fail((msg, err) => {
      throw err ?? new UsageError(msg);
    })
    .help()
    .wrap(null)
    .parseAsync();
  return code;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(`sndsbench: ${message.split('\n')[0]}`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
