// Host profiles (hosts/*.json): where a candidate host is, how to address it, which environment
// variables hold its credentials (never the credentials themselves) and its published limits.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { projectPath } from '../util/paths.js';
import { limitsProblem, type Limits } from './limits.js';

export type { Limits };

/** A fault toxiproxy adds between the client and a lab host (see toxics.ts). */
export interface Toxic {
  type: 'bandwidth' | 'latency' | 'reset_peer' | 'timeout' | 'slow_close' | 'limit_data';
  stream: 'upstream' | 'downstream';
  attributes: Record<string, number>;
  toxicity?: number;
}

export interface HostProfile {
  name: string;
  provider: string;
  kind?: 's3' | 'azure-blob';
  endpoint: string;
  region: string;
  bucket: string;
  addressing: 'path' | 'virtual';
  /** Names of the variables holding the access key (an Azure account name) and the secret key, or for
   * Azure Blob a SAS token instead of the account key. */
  credentials: { access_key_env: string; secret_key_env?: string; sas_token_env?: string };
  ca_bundle?: string | null;
  limits: Limits;
  /** put_per_1000, get_per_1000, storage_per_gb_month, ingress_per_gb, egress_per_gb; currency. */
  prices?: Record<string, number | string> | null;
  /** k6 thresholds for runs against this host (the tender's service levels), overridden by --thresholds. */
  thresholds?: Record<string, string[]> | null;
  sources?: string[];
  /** Lab profiles: the HAProxy front's runtime socket, the toxiproxy in front of a host, and the
   * toxics a candidate carries (a capped link). */
  haproxy?: {
    socket: string;
    backend: string;
    /** Progressive cutovers by tenant: the map (path prefix → backend) the front routes by, and the
     * backend holding the new host alone. */
    tenant_map?: string;
    tenant_backend?: string;
  };
  toxiproxy?: { api: string; proxy: string };
  toxics?: Toxic[];
}

export const HOSTS_DIR = projectPath('hosts');

/** A profile by name (hosts/NAME.json, hosts/templates/NAME.json) or by path (from the working
 * directory). A relative `ca_bundle` is taken from the profile's own folder, wherever the command runs. */
export function loadProfile(ref: string): HostProfile {
  const path = profileFile(ref);
  let p: HostProfile;
  try {
    p = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`host profile ${path} is not valid JSON: ${(e as Error).message}`);
  }
  for (const k of ['endpoint', 'bucket', 'region', 'credentials'] as const) {
    if (!p[k]) throw new UsageError(`host profile ${path} has no ${k}`);
  }
  if (!p.credentials.access_key_env || !(p.credentials.secret_key_env || p.credentials.sas_token_env))
    throw new UsageError(
      `host profile ${path}: credentials need access_key_env and secret_key_env (or, for Azure Blob, sas_token_env)`,
    );
  if (p.credentials.sas_token_env && p.kind !== 'azure-blob')
    throw new UsageError(`host profile ${path}: sas_token_env is for Azure Blob profiles (kind "azure-blob")`);
  if (!/^https?:\/\/[^/]+\/?$/.test(p.endpoint))
    throw new UsageError(`host profile ${path}: endpoint must be http(s)://host[:port], got ${p.endpoint}`);
  const limits = limitsProblem(p.limits);
  if (limits) throw new UsageError(`host profile ${path}: ${limits}`);
  p.limits ??= {};
  if (p.ca_bundle && !isAbsolute(p.ca_bundle)) p.ca_bundle = resolve(dirname(path), p.ca_bundle);
  return p;
}

/** The file a profile reference names (for processes that load it themselves). */
export function profileFile(ref: string): string {
  const candidates = ref.endsWith('.json')
    ? [resolve(ref)]
    : [join(HOSTS_DIR, `${ref}.json`), join(HOSTS_DIR, 'templates', `${ref}.json`)];
  const path = candidates.find((p) => existsSync(p));
  if (!path)
    throw new UsageError(
      `unknown host profile "${ref}" (looked in ${candidates.join(', ')}; run "sndsbench lab up" for the local ones)`,
    );
  return path;
}

export interface ResolvedCredentials {
  accessKey: string;
  /** '' when a SAS token authorises the requests. */
  secretKey: string;
  sasToken?: string;
}

/** The credentials named by the profile, from the environment (or the lab's credentials file). */
export function credentialsOf(p: HostProfile): ResolvedCredentials {
  loadLabCredentials();
  const read = (name: string) => {
    const v = process.env[name];
    if (!v) throw new UsageError(`credential variable ${name} is not set (needed by host profile ${p.name})`);
    return v;
  };
  const { access_key_env, secret_key_env, sas_token_env } = p.credentials;
  if (sas_token_env)
    return { accessKey: read(access_key_env), secretKey: '', sasToken: read(sas_token_env).replace(/^\?/, '') };
  return { accessKey: read(access_key_env), secretKey: read(secret_key_env!) };
}

/** The variable names a profile takes its credentials from, for logs and command lines. */
export function credentialNames(p: HostProfile): string {
  const c = p.credentials;
  return [c.access_key_env, c.sas_token_env ?? c.secret_key_env].map((n) => `$${n}`).join('/');
}

/** The lab writes its generated credentials to .lab/credentials.env; variables already set win. */
export function loadLabCredentials(): void {
  const file = projectPath('.lab', 'credentials.env');
  if (!existsSync(file)) return;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m && !process.env[m[1]]) process.env[m[1]] = m[2];
  }
}
