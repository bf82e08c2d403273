// rclone, an independent tool, pointed at host profiles: `rclone check` confirms a migration and
// `rclone copy` is the peer of the migration benchmark. Remotes are configured through environment
// variables only, so no credential is ever written to a file.
import { spawnSync } from 'node:child_process';
import { tool } from '../util/paths.js';
import { credentialsOf, type HostProfile } from './profile.js';
import { containerSas } from './s3node.js';

/** Environment variables defining remote `name` for profile `p` (rclone's RCLONE_CONFIG_<NAME>_*). */
export function rcloneRemote(name: string, p: HostProfile): Record<string, string> {
  const c = credentialsOf(p);
  const v = (k: string) => `RCLONE_CONFIG_${name.toUpperCase()}_${k}`;
  if (p.kind === 'azure-blob') {
    // rclone 1.60 builds https://<account>.<endpoint>; Azurite is path-style, so a container SAS URL it is.
    const sas = c.sasToken ?? containerSas(c.accessKey, c.secretKey, p.bucket, 'rl', new Date(Date.now() + 86_400_000));
    const url = `${p.endpoint.replace(/\/$/, '')}/${c.accessKey}/${p.bucket}?${sas}`;
    return { [v('TYPE')]: 'azureblob', [v('SAS_URL')]: url };
  }
  return {
    [v('TYPE')]: 's3',
    [v('PROVIDER')]: 'Other',
    [v('ENDPOINT')]: p.endpoint,
    [v('REGION')]: p.region,
    [v('ACCESS_KEY_ID')]: c.accessKey,
    [v('SECRET_ACCESS_KEY')]: c.secretKey,
    [v('FORCE_PATH_STYLE')]: String(p.addressing !== 'virtual'),
  };
}

/** Runs rclone (the pinned build, else the one on PATH) with remotes `src` and `dst`, trusting each
 * profile's ca_bundle; AWS_CA_BUNDLE is dropped (rclone cannot load it over plain HTTP). */
export function rclone(args: string[], from: HostProfile, to: HostProfile): { status: number; output: string } {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...rcloneRemote('src', from),
    ...rcloneRemote('dst', to),
    RCLONE_CONFIG: '/dev/null',
  };
  delete env.AWS_CA_BUNDLE;
  const cas = [...new Set([from.ca_bundle, to.ca_bundle].filter((c): c is string => Boolean(c)))].flatMap((c) => [
    '--ca-cert',
    c,
  ]);
  const r = spawnSync(tool('rclone'), [...args, ...cas], { env: env as NodeJS.ProcessEnv, encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout}${r.stderr}` };
}
