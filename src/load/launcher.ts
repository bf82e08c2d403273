// Starting a scenario, for `run`, `migrate`, `cutover`, `mirror` and campaigns alike: the runner (named
// here only), its environment (the scenario's settings, the hosts it reaches, the roots it trusts), one
// process per execution segment, their log with every secret redacted, and the files they wrote.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { VERSION } from '../util/version.js';
import type { HostProfile, ResolvedCredentials } from '../hosts/profile.js';

/** A program that runs k6 scripts with k6's command line, exit codes, summaries, samples and JSON logs. */
export interface Runner {
  /** The program, and its arguments before `run`. */
  argv: string[];
  /** Flags every `run` gets besides the common ones. */
  runFlags: string[];
  /** What it is, for manifests. */
  version(): string;
}

/** The project's own engine (src/engine), once built. */
export function engineRunner(): Runner {
  const cli = projectPath('dist', 'src', 'engine', 'cli.js');
  if (!existsSync(cli)) throw new UsageError(`the engine is not built (${cli}): run "npm run build"`);
  return { argv: [process.execPath, cli], runFlags: [], version: () => `sndsbench engine ${VERSION}` };
}

/** The runner every scenario is started with: the project's engine (a user's own k6 runs the same scripts
 * with `k6 run`, see the README). */
export const runnerCommand = (): Runner => engineRunner();

/** The folder name of a run: its start (to the second, or to the millisecond where runs of one command
 * may follow each other closely) and what it did, e.g. 20250102T030405-read-local-source. */
export function runId(what: string, precision: 'second' | 'millisecond'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '');
  return `${precision === 'second' ? stamp.replace(/\..*/, '') : stamp.replace('.', '-').replace('Z', '')}-${what}`;
}

/** A host a scenario reaches, with the credentials it was checked with. */
export interface Host {
  profile: HostProfile;
  credentials: ResolvedCredentials;
}

/** The runner trusts the system's roots, or those of the file SSL_CERT_FILE names: the system's roots and
 * every profile's ca_bundle, gathered into `dir`/ca-bundle.pem. */
function trust(dir: string, profiles: HostProfile[]): Record<string, string> {
  const bundles = [...new Set(profiles.map((p) => p.ca_bundle).filter((b): b is string => Boolean(b)))];
  if (bundles.length === 0) return {};
  const system = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt']
    .filter((f) => existsSync(f))
    .slice(0, 1);
  const file = join(dir, 'ca-bundle.pem');
  writeFileSync(file, [...system, ...bundles].map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n');
  return { SSL_CERT_FILE: file };
}

/** The S3 host a scenario writes to (scenarios/lib/s3.ts targetFromEnv), or with the prefix
 * CONSISTENCY_S3 the host of its consistency mix. */
function targetEnv(
  { profile: p, credentials: c }: Host,
  prefix: 'S3' | 'CONSISTENCY_S3' = 'S3',
): Record<string, string> {
  return {
    [`${prefix}_ENDPOINT`]: p.endpoint,
    [`${prefix}_BUCKET`]: p.bucket,
    [`${prefix}_REGION`]: p.region,
    [`${prefix}_PATH_STYLE`]: String(p.addressing !== 'virtual'),
    [`${prefix}_ACCESS_KEY`]: c.accessKey,
    [`${prefix}_SECRET_KEY`]: c.secretKey,
  };
}

/** The host the migration reads from, S3 or Azure Blob (scenarios/migration.ts). */
function sourceEnv({ profile: p, credentials: c }: Host): Record<string, string> {
  return {
    SOURCE_KIND: p.kind ?? 's3',
    SOURCE_ENDPOINT: p.endpoint,
    SOURCE_BUCKET: p.bucket,
    SOURCE_REGION: p.region,
    SOURCE_PATH_STYLE: String(p.addressing !== 'virtual'),
    SOURCE_ACCESS_KEY: c.accessKey,
    SOURCE_SECRET_KEY: c.secretKey,
    SOURCE_SAS: c.sasToken ?? '',
  };
}

/** The variables holding credentials, written by the names they come from: command.txt runs as written. */
function keyNames(prefix: 'S3' | 'SOURCE' | 'CONSISTENCY_S3', p: HostProfile): Record<string, string> {
  const c = p.credentials;
  const secret = c.sas_token_env ? { [`${prefix}_SAS`]: `$${c.sas_token_env}` } : {};
  return {
    [`${prefix}_ACCESS_KEY`]: `$${c.access_key_env}`,
    [`${prefix}_SECRET_KEY`]: c.secret_key_env ? `$${c.secret_key_env}` : '',
    ...secret,
  };
}

/** The secrets of resolved credentials, for redact(). */
export const secretsOf = (c: ResolvedCredentials[]) => c.flatMap((x) => [x.secretKey, x.accessKey, x.sasToken ?? '']);

export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
}

/** A word as a POSIX shell reads it back (a `$VAR` stays a variable). */
const shellWord = (s: string) => (/^[\w@%+=:,./$-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export interface Launch {
  /** The scenario: scenarios/<scenario>.ts. */
  scenario: string;
  /** The run's folder: summaries, samples, the log (k6.log), the command (command.txt), trusted roots. */
  dir: string;
  /** The scenario's own settings, its environment (unset ones left out); never a secret. */
  settings: Partial<Record<string, string>>;
  /** The S3 host the scenario sends its load to. */
  target: Host;
  /** The host the migration copies from. */
  source?: Host;
  /** The host of the consistency mix run beside the load, when not the target (the mirror's new host). */
  mixTarget?: Host;
  /** More hosts whose secrets must not reach the log (a cutover's old and new hosts behind the front). */
  others?: ResolvedCredentials[];
  /** Processes, each running one execution segment of the load (1 by default). */
  segments?: number;
  /** Runs only this one of the `segments` (a pod of the load Job), its files named as the others'. */
  only?: number;
  /** Raw samples: samples.json.gz, or samples-I.json.gz per segment. */
  samples?: boolean;
  /** Logs as JSON lines: what the scenarios' events are read from. */
  jsonLog?: boolean;
  /** Each output line as it comes (the scenarios' events), before redaction. */
  onLine?: (line: string) => void;
}

export interface Launched {
  /** 0 when every process exited 0, else the first other exit code (99: a threshold failed). */
  code: number;
  codes: number[];
  /** Every process's output, redacted, as written to k6.log. */
  log: string;
  /** One summary per segment, in segment order (summary.json, or summary-I.json). */
  summaries: string[];
  /** The raw sample files, when asked for. */
  samples: string[];
  /** The runner's version, for manifests. */
  runner: string;
  /** Set when a process wrote no summary: the first error the runner logged. */
  error: Error | null;
}

/** The execution segments of `n` processes: `from:to` of each, and the sequence they belong to. */
function segmentFlags(i: number, n: number): string[] {
  if (n === 1) return [];
  const at = (k: number) => (k === 0 ? '0' : k === n ? '1' : `${k}/${n}`);
  const sequence = Array.from({ length: n + 1 }, (_, k) => at(k)).join(',');
  return ['--execution-segment', `${at(i)}:${at(i + 1)}`, '--execution-segment-sequence', sequence];
}

/** Runs a scenario to its end, in `segments` processes at once. */
export async function launch(l: Launch): Promise<Launched> {
  const runner = runnerCommand();
  const n = l.segments ?? 1;
  const hosts = [l.target, ...(l.source ? [l.source] : []), ...(l.mixTarget ? [l.mixTarget] : [])];
  const secrets = secretsOf([...hosts.map((h) => h.credentials), ...(l.others ?? [])]);
  const roots = trust(
    l.dir,
    hosts.map((h) => h.profile),
  );
  const settings = Object.fromEntries(
    Object.entries(l.settings).filter((e): e is [string, string] => e[1] !== undefined),
  );
  const env = {
    ...process.env,
    ...settings,
    ...targetEnv(l.target),
    ...(l.source ? sourceEnv(l.source) : {}),
    ...(l.mixTarget ? targetEnv(l.mixTarget, 'CONSISTENCY_S3') : {}),
    ...roots,
  };
  const shown = {
    ...settings,
    ...targetEnv(l.target),
    ...keyNames('S3', l.target.profile),
    ...(l.source ? { ...sourceEnv(l.source), ...keyNames('SOURCE', l.source.profile) } : {}),
    ...(l.mixTarget
      ? { ...targetEnv(l.mixTarget, 'CONSISTENCY_S3'), ...keyNames('CONSISTENCY_S3', l.mixTarget.profile) }
      : {}),
    ...roots,
  };
  const file = (name: string, i: number) => join(l.dir, n > 1 ? `${name}-${i}` : name);
  const mine = l.only === undefined ? Array.from({ length: n }, (_, i) => i) : [l.only];
  const summaries = mine.map((i) => file('summary', i) + '.json');
  const samples = l.samples ? mine.map((i) => file('samples', i) + '.json.gz') : [];
  const commands: string[] = [];
  const done = await Promise.all(
    summaries.map((summary, k) => {
      const i = mine[k];
      const args = [
        ...runner.argv.slice(1),
        'run',
        ...runner.runFlags,
        '--quiet',
        ...(l.jsonLog ? ['--log-format', 'json'] : []),
        ...segmentFlags(i, n),
        ...(l.samples ? ['--out', `json=${samples[k]}`] : []),
        projectPath('scenarios', `${l.scenario}.ts`),
      ];
      const vars = { ...shown, SUMMARY_JSON: summary };
      // Quoted values, unquoted names: the shell reads each as an assignment.
      const assignments = Object.entries(vars).map(([k, v]) => `${k}=${shellWord(v)}`);
      commands.push([...assignments, ...[runner.argv[0], ...args].map(shellWord)].join(' '));
      return spawnLogged(runner.argv[0], args, { ...env, SUMMARY_JSON: summary }, l.onLine);
    }),
  );
  writeFileSync(join(l.dir, 'command.txt'), redact(commands.join('\n') + '\n', secrets));
  const log = redact(done.map((d) => d.log).join('\n'), secrets);
  const logFile = join(l.dir, 'k6.log');
  writeFileSync(logFile, log);
  const codes = done.map((d) => d.code);
  const missing = summaries.some((f) => !existsSync(f));
  return {
    code: codes.find((c) => c !== 0) ?? 0,
    codes,
    log,
    summaries,
    samples,
    runner: runner.version(),
    error: missing ? failure(log, `the runner exited with ${codes.find((c) => c !== 0) ?? 0}`, logFile) : null,
  };
}

/** Runs one process to its end; each output line also goes to `onLine` as it comes. */
function spawnLogged(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<{ code: number; log: string }> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const line = (l: string) => {
    log += l + '\n';
    onLine?.(l);
  };
  createInterface({ input: child.stdout }).on('line', line);
  createInterface({ input: child.stderr }).on('line', line);
  return new Promise((resolve) => {
    // 'close' comes after both streams ended: no line is lost after the exit.
    child.on('close', (code) => resolve({ code: code ?? 1, log }));
    // A runner that cannot start is an exit like any other, its reason in the log.
    child.on('error', (e) => {
      line(`level=error msg="${e.message}"`);
      resolve({ code: 1, log });
    });
  });
}

/** The error when a process wrote no summary: the first error it logged (text or JSON log format), else
 * `fallback`. The log is already redacted. */
function failure(log: string, fallback: string, logFile: string): Error {
  const why = log.split('\n').find((l) => /"level":"error"|level=error|ERRO\[/.test(l)) ?? fallback;
  return new Error(`the scenario failed: ${why.replace(/^.*msg="/, '').slice(0, 300)} (log: ${logFile})`);
}
