// Signed S3 and Azure Blob requests from Node, for the lab and the pre-flight checks (the load itself
// is k6's). Reuses the scenarios' signing code with node:crypto.
import { createHash, createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { amzDate, sign, UNSIGNED, uriEncode, type Hashing } from '../../scenarios/lib/sigv4.js';
import { sasHeaders, signAzure, type AzureHashing } from '../../scenarios/lib/azure.js';

export const nodeHashing: Hashing = {
  sha256Hex: (d) =>
    createHash('sha256')
      .update(typeof d === 'string' ? d : Buffer.from(d))
      .digest('hex'),
  hmac: (k, d) => {
    const out = createHmac('sha256', typeof k === 'string' ? k : Buffer.from(k))
      .update(d)
      .digest();
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  },
};

export const nodeAzureHashing: AzureHashing = {
  hmacBase64: (key, data) => createHmac('sha256', Buffer.from(key, 'base64')).update(data, 'utf8').digest('base64'),
};

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** Names under .localhost are the loopback (RFC 6761), as virtual-host buckets on a lab host need. */
const loopbackNames: NonNullable<http.RequestOptions['lookup']> = (hostname, options, callback) => {
  if (!hostname.endsWith('.localhost')) return dns.lookup(hostname, options, callback as never);
  const reply = callback as (e: null, a: string | { address: string; family: number }[], f?: number) => void;
  return options.all ? reply(null, [{ address: '127.0.0.1', family: 4 }]) : reply(null, '127.0.0.1', 4);
};

export function rawRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: Buffer | string,
  ca?: string | null,
  timeoutMs = 10_000,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(
      u,
      { method, headers, timeout: timeoutMs, lookup: loopbackNames, ...(ca ? { ca: readFileSync(ca) } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface S3Access {
  endpoint: string;
  region: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  ca?: string | null;
  /** Virtual-host addressing puts the bucket in the host name (bucket.localhost for a loopback IP). */
  virtual?: boolean;
}

export interface S3RequestOptions {
  query?: Record<string, string>;
  body?: Buffer | string;
  headers?: Record<string, string>;
  /** Sign the body's SHA-256 instead of UNSIGNED-PAYLOAD. */
  signPayload?: boolean;
}

/** The host name of a bucket in virtual-host addressing (bucket.localhost for a loopback IP). */
export function virtualHostname(endpoint: string, bucket: string): string {
  const h = new URL(endpoint).hostname;
  return `${bucket}.${/^[\d.]+$/.test(h) ? 'localhost' : h}`;
}

/** One SigV4-signed request, path-style unless `a.virtual`: key '' addresses the bucket itself. */
export function s3Request(
  a: S3Access,
  method: string,
  key: string,
  opts: S3RequestOptions = {},
  timeoutMs?: number,
): Promise<Reply> {
  const { url, headers } = s3Signed(a, method, key, opts);
  return rawRequest(url, method, headers, opts.body, a.ca, timeoutMs);
}

/** The URL and signed headers of an S3 request, for any HTTP client. */
export function s3Signed(
  a: S3Access,
  method: string,
  key: string,
  opts: S3RequestOptions = {},
): { url: string; headers: Record<string, string> } {
  const u = new URL(a.endpoint);
  if (a.virtual) u.hostname = virtualHostname(a.endpoint, a.bucket);
  const path = a.virtual ? `/${key}` : key ? `/${a.bucket}/${key}` : `/${a.bucket}`;
  const payloadHash = opts.signPayload
    ? nodeHashing.sha256Hex(
        typeof opts.body === 'string' ? opts.body : new Uint8Array(opts.body ?? Buffer.alloc(0)).slice().buffer,
      )
    : UNSIGNED;
  const headers = sign(
    nodeHashing,
    { accessKey: a.accessKey, secretKey: a.secretKey, region: a.region },
    { method, host: u.host, path, query: opts.query, headers: opts.headers, payloadHash, amzDate: amzDate(new Date()) },
  );
  const qs = opts.query
    ? '?' +
      Object.keys(opts.query)
        .sort()
        .map((k) => `${uriEncode(k)}=${uriEncode(opts.query![k])}`)
        .join('&')
    : '';
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return { url: `${u.origin}${uriEncode(path, true)}${qs}`, headers };
}

export interface AzureAccess {
  endpoint: string; // http://127.0.0.1:10000/account
  account: string;
  key: string;
  container: string;
  /** A SAS token (query string without '?'), used instead of the account key when set. */
  sas?: string;
}

export function azureRequest(
  a: AzureAccess,
  method: string,
  blob: string,
  opts: { query?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {},
  timeoutMs?: number,
): Promise<Reply> {
  const u = new URL(a.endpoint);
  const path = `${u.pathname.replace(/\/$/, '')}/${a.container}${blob ? '/' + blob : ''}`;
  const len = opts.body?.length ?? 0;
  const headers = a.sas
    ? sasHeaders(opts.headers ?? {}, new Date())
    : signAzure(
        nodeAzureHashing,
        { account: a.account, key: a.key },
        { method, path, query: opts.query, headers: opts.headers ?? {}, contentLength: len },
        new Date(),
      );
  if (opts.body) headers['content-length'] = String(len);
  const params = [
    ...Object.entries(opts.query ?? {}).map(([k, v]) => `${k}=${encodeURIComponent(v)}`),
    ...(a.sas ? [a.sas] : []),
  ];
  const qs = params.length ? '?' + params.join('&') : '';
  return rawRequest(`${u.origin}${path}${qs}`, method, headers, opts.body, null, timeoutMs);
}

/** A service SAS for a container (version 2018-11-09): `permissions` such as 'rl', valid until `expiry`. */
export function containerSas(
  account: string,
  key: string,
  container: string,
  permissions: string,
  expiry: Date,
): string {
  const version = '2018-11-09';
  const se = expiry.toISOString().replace(/\.\d+Z$/, 'Z');
  const fields = [
    permissions,
    '',
    se,
    `/blob/${account}/${container}`,
    '',
    '',
    '',
    version,
    'c',
    '',
    '',
    '',
    '',
    '',
    '',
  ];
  const sig = createHmac('sha256', Buffer.from(key, 'base64')).update(fields.join('\n'), 'utf8').digest('base64');
  return `sv=${version}&sr=c&sp=${permissions}&se=${encodeURIComponent(se)}&sig=${encodeURIComponent(sig)}`;
}
