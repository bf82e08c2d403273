// Starting k6 for `run`, `migrate` and `cutover`: the binary, its environment (targets, credentials,
// trusted roots), the run's folder name, the process and its log with every secret redacted.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { UsageError } from '../util/errors.js';
import { findTool } from '../util/paths.js';
import type { HostProfile, ResolvedCredentials } from '../hosts/profile.js';

export function k6Binary(): string {
  const k6 = findTool('k6');
  if (!k6) throw new UsageError('k6 is not installed: run "npm run setup"');
  return k6;
}

export function k6Version(k6: string): string {
  return spawnSync(k6, ['version'], { encoding: 'utf8' }).stdout.split('\n')[0];
}

/** The folder name of a run: its start (to the second, or to the millisecond where runs of one command
 * may follow each other closely) and what it did, e.g. 20250102T030405-read-local-source. */
export function runId(what: string, precision: 'second' | 'millisecond'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '');
  return `${precision === 'second' ? stamp.replace(/\..*/, '') : stamp.replace('.', '-').replace('Z', '')}-${what}`;
}

/** k6 (Go) trusts the system's roots, or those of the file SSL_CERT_FILE names: the system's roots and
 * every profile's ca_bundle, gathered into `dir`/ca-bundle.pem. */
export function k6Trust(dir: string, profiles: HostProfile[]): Record<string, string> {
  const bundles = [...new Set(profiles.map((p) => p.ca_bundle).filter((b): b is string => Boolean(b)))];
  if (bundles.length === 0) return {};
  const system = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt']
    .filter((f) => existsSync(f))
    .slice(0, 1);
  const file = join(dir, 'ca-bundle.pem');
  writeFileSync(file, [...system, ...bundles].map((f) => readFileSync(f, 'utf8').trim()).join('\n') + '\n');
  return { SSL_CERT_FILE: file };
}

/** The S3 host a scenario writes to (scenarios/lib/s3.ts targetFromEnv). */
export function targetEnv(p: HostProfile, c: ResolvedCredentials): Record<string, string> {
  return {
    S3_ENDPOINT: p.endpoint,
    S3_BUCKET: p.bucket,
    S3_REGION: p.region,
    S3_PATH_STYLE: String(p.addressing !== 'virtual'),
    S3_ACCESS_KEY: c.accessKey,
    S3_SECRET_KEY: c.secretKey,
  };
}

/** k6's environment: ours, the scenario's variables, no usage report or extension download, and roots
 * that trust every profile's CA bundle (written into `dir`). */
export function k6Env(dir: string, profiles: HostProfile[], vars: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...vars,
    K6_NO_USAGE_REPORT: 'true',
    K6_AUTO_EXTENSION_RESOLUTION: 'false',
    ...k6Trust(dir, profiles),
  };
}

/** The secrets of resolved credentials, for redact(). */
export const secretsOf = (c: ResolvedCredentials[]) => c.flatMap((x) => [x.secretKey, x.accessKey, x.sasToken ?? '']);

export function redact(text: string, secrets: string[]): string {
  return secrets.reduce((t, s) => (s ? t.split(s).join('[redacted]') : t), text);
}

export interface K6Exit {
  code: number;
  /** stdout and stderr, line by line as they came. */
  log: string;
}

/** Runs k6 to its end; each output line also goes to `onLine` as it comes (the scenarios' events). */
export function runK6(
  k6: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onLine?: (line: string) => void,
): Promise<K6Exit> {
  const child = spawn(k6, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const line = (l: string) => {
    log += l + '\n';
    onLine?.(l);
  };
  createInterface({ input: child.stdout }).on('line', line);
  createInterface({ input: child.stderr }).on('line', line);
  // 'close' comes after both streams ended: no line is lost after the exit.
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, log })));
}

/** The error when k6 wrote no summary: the first error it logged (text or JSON log format), else `fallback`. */
export function k6Failure(log: string, fallback: string, secrets: string[], logFile: string): Error {
  const why = log.split('\n').find((l) => /"level":"error"|level=error|ERRO\[/.test(l)) ?? fallback;
  return new Error(
    `k6 failed: ${redact(why, secrets)
      .replace(/^.*msg="/, '')
      .slice(0, 300)} (log: ${logFile})`,
  );
}
