// `sndsbench run SCENARIO --host PROFILE`: checks the host before any load (reachable, credentials
// accepted, bucket present), runs k6 with the scenario's settings, and writes results/<run-id>/.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { loadProfile, type HostProfile } from '../hosts/profile.js';
import { Histogram } from '../util/histogram.js';
import { writeAtomic } from '../util/files.js';
import { parquetLayout } from './layout.js';
import { runManifest, sizes } from './provenance.js';
import { preflight } from '../hosts/preflight.js';

export const SCENARIOS = ['ingest', 'read', 'mixed'];

/** Scenario settings per run profile: `ci` keeps each scenario well under a minute. */
export const RUN_PROFILES: Record<'ci' | 'full', Record<string, Record<string, string>>> = {
  ci: {
    ingest: { VUS: '4', DURATION: '10s', OBJECT_SIZE: String(4 * 1024 ** 2) },
    read: { VUS: '4', DURATION: '10s', OBJECTS: '8' },
    mixed: { VUS: '4', DURATION: '10s', OBJECT_SIZE: String(1024 ** 2), OBJECTS: '16' },
  },
  full: {
    ingest: { VUS: '16', DURATION: '2m', OBJECT_SIZE: String(64 * 1024 ** 2), PART_SIZE: String(16 * 1024 ** 2) },
    read: { VUS: '16', DURATION: '2m', OBJECTS: '64' },
    mixed: { VUS: '16', DURATION: '2m', OBJECT_SIZE: String(16 * 1024 ** 2), OBJECTS: '128' },
  },
};

export function k6Binary(): string {
  const local = projectPath('.tools', 'bin', 'k6');
  if (existsSync(local)) return local;
  const which = spawnSync('sh', ['-c', 'command -v k6'], { encoding: 'utf8' });
  if (which.status === 0) return which.stdout.trim();
  throw new UsageError('k6 is not installed: run "npm run setup"');
}

/** k6 (Go) trusts the system's roots, or those of the file SSL_CERT_FILE names: the system's roots and
 * every profile's ca_bundle, gathered into `dir`/ca-bundle.pem. */
export function k6Trust(dir: string, profiles: HostProfile[]): Record<string, string> {
  const bundles = [...new Set(profiles.map((p) => p.ca_bundle).filter((b): b is string => Boolean(b)))];
  if (bundles.length === 0) return {};
  const system = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt'].filter((f) => existsSync(f)).slice(0, 1);
  const file = join(dir, 'ca-bundle.pem');
  writeFileSync(file, [...system, ...bundles].map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n');
  return { SSL_CERT_FILE: file };
}

export interface RunOptions {
  scenario: string;
  host: string;
  profile: 'ci' | 'full';
  segments: number;
  results: string;
  env?: Record<string, string>;
  thresholds?: string;
  /** Makes a real Parquet file for the read scenario's layout, into the folder given, unless PARQUET names one. */
  sample?: (dir: string) => Promise<string>;
}

export interface RunResult {
  dir: string;
  exitCode: number;
  summary: Record<string, unknown>;
}

export async function runScenario(o: RunOptions): Promise<RunResult> {
  if (!SCENARIOS.includes(o.scenario)) throw new UsageError(`unknown scenario "${o.scenario}"; known: ${SCENARIOS.join(', ')}`);
  const p = loadProfile(o.host);
  const thresholds = thresholdsFor(p, o.thresholds);
  const k6 = k6Binary();
  const c = await preflight(p);
  const id = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${o.scenario}-${p.name}`;
  const dir = join(resolve(o.results), id);
  mkdirSync(dir, { recursive: true });
  const settings: Record<string, string> = { ...RUN_PROFILES[o.profile][o.scenario], ...(o.env ?? {}) };
  if (o.scenario === 'read' && settings.PATTERN !== 'full') {
    // Read patterns follow a real generated file's layout.
    if (!settings.PARQUET && !o.sample) throw new UsageError('the read scenario needs a Parquet file: --set PARQUET=FILE');
    settings.PARQUET = resolve(settings.PARQUET ?? (await o.sample!(join(resolve(o.results), '_sample'))));
    settings.LAYOUT ??= JSON.stringify(await parquetLayout(settings.PARQUET));
  }
  const script = projectPath('scenarios', `${o.scenario}.ts`);
  const env = {
    ...process.env,
    ...settings,
    ...thresholds,
    S3_ENDPOINT: p.endpoint,
    S3_BUCKET: p.bucket,
    S3_REGION: p.region,
    S3_PATH_STYLE: String(p.addressing !== 'virtual'),
    S3_ACCESS_KEY: c.accessKey,
    S3_SECRET_KEY: c.secretKey,
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    ...k6Trust(dir, [p]),
  };
  const n = o.segments;
  const sequence = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? '0' : i === n ? '1' : `${i}/${n}`)).join(',');
  const commands: string[][] = [];
  const runs = Array.from({ length: n }, (_, i) => {
    const args = ['run', '--quiet', script];
    const seg = n > 1 ? `-${i}` : '';
    if (n > 1) args.push('--execution-segment', `${i === 0 ? '0' : `${i}/${n}`}:${i + 1 === n ? '1' : `${i + 1}/${n}`}`, '--execution-segment-sequence', sequence);
    // Raw samples: segments are merged from them, and reports draw throughput over time.
    args.push('--out', `json=${join(dir, `samples${seg}.json.gz`)}`);
    commands.push([k6, ...args]);
    const child = spawn(k6, args, {
      env: { ...env, SUMMARY_JSON: join(dir, `summary${seg}.json`), K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_PORT: '-1', K6_WEB_DASHBOARD_PERIOD: '1s', K6_WEB_DASHBOARD_EXPORT: join(dir, `dashboard${seg}.html`) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    return new Promise<{ code: number; out: string }>((resolve) => child.on('exit', (code) => resolve({ code: code ?? 1, out })));
  });
  const done = await Promise.all(runs);
  const settingNames = Object.keys(settings).map((k) => `${k}=${settings[k]}`).join(' ');
  writeFileSync(join(dir, 'command.txt'), commands.map((c) => `${settingNames} S3_ENDPOINT=${p.endpoint} S3_BUCKET=${p.bucket} S3_ACCESS_KEY=$${p.credentials.access_key_env} S3_SECRET_KEY=$${p.credentials.secret_key_env} ${c.join(' ')}`).join('\n') + '\n');
  writeFileSync(join(dir, 'k6.log'), redact(done.map((d) => d.out).join('\n'), [c.secretKey, c.accessKey]));
  const missing = Array.from({ length: n }, (_, i) => join(dir, n > 1 ? `summary-${i}.json` : 'summary.json')).filter((f) => !existsSync(f));
  if (missing.length) {
    const why = done.map((d) => d.out).join('\n').split('\n').find((l) => /level=error|ERRO/.test(l)) ?? 'no summary written';
    throw new Error(`k6 failed: ${redact(why, [c.secretKey, c.accessKey]).replace(/^.*msg="/, '').slice(0, 300)} (log: ${join(dir, 'k6.log')})`);
  }
  const summary = n > 1 ? await mergeSegments(dir, n) : JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
  if (n > 1) writeAtomic(join(dir, 'summary.json'), JSON.stringify(summary, null, 1));
  const exitCode = done.some((d) => d.code === 99) ? 1 : done.some((d) => d.code !== 0) ? 1 : 0;
  const version = k6Version(k6);
  writeAtomic(join(dir, 'run.json'), JSON.stringify({ id, scenario: o.scenario, host: p.name, provider: p.provider, profile: o.profile, segments: n, settings, k6: version, exit: exitCode, thresholds_failed: done.some((d) => d.code === 99) }, null, 1));
  const { PARQUET: _sample, ...workload } = settings;
  const size = settings.LAYOUT ? (JSON.parse(settings.LAYOUT) as { size: number }).size : Number(settings.OBJECT_SIZE ?? 0);
  writeAtomic(join(dir, 'manifest.json'), JSON.stringify(runManifest({ kind: 'run', id, host: p.name, provider: p.provider, scenario: o.scenario, workload: { scenario: o.scenario, profile: o.profile, segments: n, ...workload }, object_sizes: sizes(size ? [size] : []), tools: { k6: version } }), null, 1));
  return { dir, exitCode, summary };
}

/** Thresholds: the command line's, else the profile's, else the scenario's default. */
function thresholdsFor(p: HostProfile, cli?: string): Record<string, string> {
  const chosen = cli ?? (p.thresholds ? JSON.stringify(p.thresholds) : undefined);
  if (!chosen) return {};
  try {
    JSON.parse(chosen);
  } catch {
    throw new UsageError(`thresholds must be JSON, for example '{"http_req_failed":["rate<0.01"]}'`);
  }
  return { THRESHOLDS: chosen };
}

/** The JSON a scenario logged with console.log, from one line of k6's `--log-format json`, or null. */
export function scenarioMessage(line: string): Record<string, unknown> | null {
  try {
    const m = JSON.parse(JSON.parse(line).msg);
    return m && typeof m === 'object' ? m : null;
  } catch {
    return null;
  }
}

export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
}

export function k6Version(k6: string): string {
  return spawnSync(k6, ['version'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

/** Sums counters across segments and rebuilds trend percentiles from every raw sample. */
async function mergeSegments(dir: string, n: number): Promise<Record<string, unknown>> {
  const trends = new Map<string, Histogram>();
  for (let i = 0; i < n; i++) {
    const lines = createInterface({ input: createReadStream(join(dir, `samples-${i}.json.gz`)).pipe(createGunzip()) });
    for await (const line of lines) {
      if (!line.includes('"Point"')) continue;
      const pt = JSON.parse(line) as { metric: string; data: { value: number } };
      if (!/^(http_req_duration|http_req_waiting|iteration_duration)$/.test(pt.metric)) continue;
      let h = trends.get(pt.metric);
      if (!h) trends.set(pt.metric, (h = new Histogram()));
      h.add(pt.data.value);
    }
  }
  const parts = Array.from({ length: n }, (_, i) => JSON.parse(readFileSync(join(dir, `summary-${i}.json`), 'utf8')) as { metrics: Record<string, { type: string; values: Record<string, number> }>; state?: { testRunDurationMs: number } });
  const metrics: Record<string, { type: string; values: Record<string, number> }> = {};
  for (const part of parts) {
    for (const [name, m] of Object.entries(part.metrics)) {
      const into = (metrics[name] ??= { type: m.type, values: {} });
      if (m.type === 'counter') {
        into.values.count = (into.values.count ?? 0) + (m.values.count ?? 0);
        into.values.rate = (into.values.rate ?? 0) + (m.values.rate ?? 0);
      } else if (m.type === 'rate') {
        into.values.passes = (into.values.passes ?? 0) + (m.values.passes ?? 0);
        into.values.fails = (into.values.fails ?? 0) + (m.values.fails ?? 0);
        into.values.rate = into.values.passes / Math.max(1, into.values.passes + into.values.fails);
      } else if (m.type === 'gauge') {
        into.values.value = (into.values.value ?? 0) + (m.values.value ?? 0);
      }
    }
  }
  for (const [name, h] of trends) {
    metrics[name] = { type: 'trend', values: { count: h.count, min: h.min, max: h.max, med: h.percentile(50), 'p(90)': h.percentile(90), 'p(95)': h.percentile(95), 'p(99)': h.percentile(99) } };
  }
  return { merged_from_segments: n, metrics };
}
