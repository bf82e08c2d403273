// How to address a host profile's bucket or container, with its credentials from the environment.
import { credentialsOf, type HostProfile, type ResolvedCredentials } from './profile.js';
import type { AzureAccess, S3Access } from './s3node.js';

export function access(p: HostProfile): S3Access {
  return {
    endpoint: p.endpoint,
    region: p.region,
    bucket: p.bucket,
    ca: p.ca_bundle,
    virtual: p.addressing === 'virtual',
    ...credentialsOf(p),
  };
}

/** An Azure Blob profile's container, addressed path-style as Azurite wants (the account first). */
export function azureAccess(p: HostProfile, c: ResolvedCredentials): AzureAccess {
  return {
    endpoint: `${p.endpoint.replace(/\/$/, '')}/${c.accessKey}`,
    account: c.accessKey,
    key: c.secretKey,
    container: p.bucket,
    sas: c.sasToken,
  };
}
