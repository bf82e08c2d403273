// Where a dataset goes: an S3 bucket (multipart through the SDK) or an Azure Blob container, each
// object stored with its SHA-256 so that a second upload skips what is already there.
import { createReadStream, readFileSync } from 'node:fs';
import https from 'node:https';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { credentialsOf, type HostProfile } from './profile.js';
import { preflight } from './preflight.js';
import { azureAccess } from './access.js';
import { azureRequest } from './s3node.js';
import { partSizeFor } from './parts.js';
import { ThrottleBackoff } from './backoff.js';
import { isThrottled } from '../../scenarios/lib/backoff.js';

// The SDK warns on Node 20 about its releases of 2027; the pinned version supports Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function s3Client(p: HostProfile, retryStrategy?: ThrottleBackoff): S3Client {
  const c = credentialsOf(p);
  return new S3Client({
    ...(retryStrategy ? { retryStrategy } : {}),
    endpoint: p.endpoint,
    region: p.region,
    forcePathStyle: p.addressing !== 'virtual',
    credentials: { accessKeyId: c.accessKey, secretAccessKey: c.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(p.ca_bundle
      ? { requestHandler: new NodeHttpHandler({ httpsAgent: new https.Agent({ ca: readFileSync(p.ca_bundle) }) }) }
      : {}),
  });
}

/** Where a dataset goes: an S3 bucket (multipart through the SDK) or an Azure Blob container. */
export interface ObjectStore {
  /** The object's etag when it is there with this size and checksum, else null. */
  has(key: string, bytes: number, sha256: string): Promise<string | null>;
  put(key: string, path: string, bytes: number, sha256: string): Promise<string>;
  close(): void;
  /** Throttled answers by status and retries so far ("none" where the store does not retry). */
  throttling(): { throttled: string; retries: number };
}

export async function objectStore(profile: HostProfile, partSize: number): Promise<ObjectStore> {
  const c = await preflight(profile);
  if (profile.kind === 'azure-blob') {
    const a = azureAccess(profile, c);
    return {
      async has(key, bytes, sha256) {
        const r = await azureRequest(a, 'HEAD', key);
        return r.status === 200 &&
          Number(r.headers['content-length']) === bytes &&
          r.headers['x-ms-meta-sha256'] === sha256
          ? String(r.headers.etag ?? '')
          : null;
      },
      async put(key, path, bytes, sha256) {
        // One Put Blob: the generated files stay far below its 5,000 MiB limit.
        const r = await azureRequest(
          a,
          'PUT',
          key,
          { body: readFileSync(path), headers: { 'x-ms-blob-type': 'BlockBlob', 'x-ms-meta-sha256': sha256 } },
          120_000,
        );
        if (r.status !== 201) throw new Error(`Put Blob ${key} answered ${r.status}`);
        return String(r.headers.etag ?? '');
      },
      close() {},
      throttling: () => ({ throttled: 'none', retries: 0 }),
    };
  }
  const backoff = new ThrottleBackoff();
  const client = s3Client(profile, backoff);
  return {
    async has(key, bytes, sha256) {
      const head = await client
        .send(new HeadObjectCommand({ Bucket: profile.bucket, Key: key }))
        .catch((e: { $metadata?: { httpStatusCode?: number } }) => {
          // Absent (or unreadable) means upload it; a host still throttling after every retry is a failure.
          if (isThrottled(e.$metadata?.httpStatusCode ?? 0)) throw e;
          return null;
        });
      return head && head.ContentLength === bytes && head.Metadata?.sha256 === sha256 ? (head.ETag ?? '') : null;
    },
    async put(key, path, bytes, sha256) {
      const upload = new Upload({
        client,
        params: {
          Bucket: profile.bucket,
          Key: key,
          Body: createReadStream(path),
          Metadata: { sha256 },
          ContentLength: bytes,
        },
        partSize: partSizeFor(profile, bytes, partSize),
        queueSize: 2,
      });
      return (await upload.done()).ETag ?? '';
    },
    close: () => client.destroy(),
    throttling: () => ({ throttled: backoff.describe(), retries: backoff.retries }),
  };
}
