// Signed S3 and Azure Blob requests from Node, for the lab and the pre-flight checks (the load itself
// is k6's). Reuses the scenarios' signing code with node:crypto.
import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { amzDate, sign, UNSIGNED, uriEncode, type Hashing } from '../scenarios/lib/sigv4.js';
import { signAzure, type AzureHashing } from '../scenarios/lib/azure.js';

export const nodeHashing: Hashing = {
  sha256Hex: (d) => createHash('sha256').update(typeof d === 'string' ? d : Buffer.from(d)).digest('hex'),
  hmac: (k, d) => {
    const out = createHmac('sha256', typeof k === 'string' ? k : Buffer.from(k)).update(d).digest();
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

export function rawRequest(url: string, method: string, headers: Record<string, string>, body?: Buffer | string, ca?: string | null, timeoutMs = 10_000): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const lib = u.protocol === 'https:' ? https : http;
    const req = lib.request(u, { method, headers, timeout: timeoutMs, ...(ca ? { ca: readFileSync(ca) } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
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
}

/** One SigV4-signed path-style request: key '' addresses the bucket itself. */
export function s3Request(a: S3Access, method: string, key: string, opts: { query?: Record<string, string>; body?: Buffer | string; headers?: Record<string, string> } = {}, timeoutMs?: number): Promise<Reply> {
  const u = new URL(a.endpoint);
  const path = key ? `/${a.bucket}/${key}` : `/${a.bucket}`;
  const headers = sign(nodeHashing, { accessKey: a.accessKey, secretKey: a.secretKey, region: a.region }, { method, host: u.host, path, query: opts.query, headers: opts.headers, payloadHash: UNSIGNED, amzDate: amzDate(new Date()) });
  const qs = opts.query ? '?' + Object.keys(opts.query).sort().map((k) => `${uriEncode(k)}=${uriEncode(opts.query![k])}`).join('&') : '';
  if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
  return rawRequest(`${u.origin}${uriEncode(path, true)}${qs}`, method, headers, opts.body, a.ca, timeoutMs);
}

export interface AzureAccess {
  endpoint: string; // http://127.0.0.1:10000/account
  account: string;
  key: string;
  container: string;
}

export function azureRequest(a: AzureAccess, method: string, blob: string, opts: { query?: Record<string, string>; body?: Buffer; headers?: Record<string, string> } = {}, timeoutMs?: number): Promise<Reply> {
  const u = new URL(a.endpoint);
  const path = `${u.pathname.replace(/\/$/, '')}/${a.container}${blob ? '/' + blob : ''}`;
  const len = opts.body?.length ?? 0;
  const headers = signAzure(nodeAzureHashing, { account: a.account, key: a.key }, { method, path, query: opts.query, headers: opts.headers ?? {}, contentLength: len }, new Date());
  if (opts.body) headers['content-length'] = String(len);
  const qs = opts.query ? '?' + Object.entries(opts.query).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&') : '';
  return rawRequest(`${u.origin}${path}${qs}`, method, headers, opts.body, null, timeoutMs);
}
