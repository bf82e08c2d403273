// Checks a host before anything is sent to it: reachable, certificate trusted, credentials accepted,
// bucket or container present. Each failure is one line naming its cause.
import { existsSync } from 'node:fs';
import { UsageError } from '../util/errors.js';
import { credentialNames, credentialsOf, type HostProfile, type ResolvedCredentials } from './profile.js';
import { azureRequest, s3Request, virtualHostname } from './s3node.js';
import { access, azureAccess } from './access.js';

/** Fails with one clear line if the host cannot serve the run; nothing is started. */
export async function preflight(p: HostProfile): Promise<ResolvedCredentials> {
  const c = credentialsOf(p);
  if (p.ca_bundle && !existsSync(p.ca_bundle))
    throw new UsageError(`CA bundle ${p.ca_bundle} of host profile ${p.name} does not exist`);
  let r;
  try {
    r =
      p.kind === 'azure-blob'
        ? await azureRequest(azureAccess(p, c), 'GET', '', {
            query: { restype: 'container', comp: 'list', maxresults: '1' },
          })
        : await s3Request(access(p), 'HEAD', '');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new UsageError(
      tlsProblem(p, err) ?? `cannot reach ${p.endpoint} (host profile ${p.name}): ${err.code ?? err.message}`,
    );
  }
  if ((r.status === 403 || r.status === 401) && c.sasToken)
    throw new UsageError(sasProblem(p, c.sasToken, r.body.toString()));
  if (r.status === 403 || r.status === 401)
    throw new UsageError(`${p.endpoint} rejected the credentials in ${credentialNames(p)} (HTTP ${r.status})`);
  if (r.status === 404 && p.addressing === 'virtual')
    throw new UsageError(
      `bucket ${p.bucket} not found at ${virtualHostname(p.endpoint, p.bucket)}: the bucket is missing ` +
        `or the host does not take virtual-host addressing (set "addressing": "path" in ${p.name})`,
    );
  if (r.status === 404)
    throw new UsageError(
      `${p.kind === 'azure-blob' ? 'container' : 'bucket'} ${p.bucket} does not exist on ${p.endpoint}`,
    );
  if (r.status >= 300) throw new UsageError(`${p.endpoint} answered HTTP ${r.status} to HEAD ${p.bucket}`);
  return c;
}

/** Why Azure refused a SAS token, from the token's own fields (expiry, permissions) and the error code. */
function sasProblem(p: HostProfile, sas: string, body: string): string {
  const field = (k: string) => new URLSearchParams(sas).get(k) ?? '';
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? 'HTTP 403';
  const where = `the SAS token in ${p.credentials.sas_token_env} (host profile ${p.name})`;
  const expiry = Date.parse(field('se'));
  if (expiry <= Date.now()) return `${where} expired at ${field('se')} (${code})`;
  if (!field('sp').includes('l'))
    return `${where} does not grant list (sp=${field('sp')}), which sndsbench needs to list the container (${code})`;
  return `${p.endpoint} rejected ${where} (${code})`;
}

/** One line naming why a TLS handshake failed, or null when the error is not about the certificate. */
export function tlsProblem(p: HostProfile, err: NodeJS.ErrnoException): string | null {
  const host = new URL(p.endpoint).hostname;
  const trust = p.ca_bundle
    ? `the CA in ca_bundle ${p.ca_bundle}`
    : 'a CA this machine trusts (set ca_bundle in the profile for a private CA)';
  switch (err.code) {
    case 'CERT_HAS_EXPIRED':
      return `the TLS certificate of ${p.endpoint} (host profile ${p.name}) has expired`;
    case 'CERT_NOT_YET_VALID':
      return `the TLS certificate of ${p.endpoint} (host profile ${p.name}) is not valid yet`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `the TLS certificate of ${p.endpoint} (host profile ${p.name}) does not name ${host} (hostname mismatch)`;
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_SIGNATURE_FAILURE':
      return `the TLS certificate of ${p.endpoint} (host profile ${p.name}) is not signed by ${trust}`;
  }
  if (/certificate|SSL|TLS|CERT_/i.test(`${err.code} ${err.message}`))
    return `TLS error with ${p.endpoint} (host profile ${p.name}): ${err.message}`;
  return null;
}
