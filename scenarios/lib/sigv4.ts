// AWS Signature Version 4 for S3, with the hash and HMAC injected: k6/crypto under k6,
// node:crypto in the unit test that checks it against AWS's published example.

export interface Hashing {
  sha256Hex(data: string | ArrayBuffer): string;
  hmac(key: string | ArrayBuffer, data: string): ArrayBuffer;
}

export interface Credentials {
  accessKey: string;
  secretKey: string;
  region: string;
}

export interface SignRequest {
  method: string;
  host: string;
  /** Path as sent, before encoding: `/bucket/key`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Hex SHA-256 of the body, or UNSIGNED-PAYLOAD. */
  payloadHash: string;
  /** YYYYMMDDTHHMMSSZ. */
  amzDate: string;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
export const UNSIGNED = 'UNSIGNED-PAYLOAD';

/** RFC 3986 encoding, as SigV4 wants it. */
export function uriEncode(s: string, keepSlash = false): string {
  const out = encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  return keepSlash ? out.replace(/%2F/g, '/') : out;
}

export function canonicalQuery(query: Record<string, string> = {}): string {
  return Object.keys(query)
    .sort()
    .map((k) => `${uriEncode(k)}=${uriEncode(query[k])}`)
    .join('&');
}

export function amzDate(d: Date): string {
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function hex(buf: ArrayBuffer): string {
  const b = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

/** Returns the headers to send: the given ones plus x-amz-date, x-amz-content-sha256 and Authorization. */
export function sign(h: Hashing, c: Credentials, r: SignRequest, service = 's3'): Record<string, string> {
  const headers: Record<string, string> = {
    ...(r.headers ?? {}),
    host: r.host,
    'x-amz-date': r.amzDate,
    'x-amz-content-sha256': r.payloadHash,
  };
  const names = Object.keys(headers)
    .map((k) => k.toLowerCase())
    .sort();
  const lower: Record<string, string> = {};
  for (const k of Object.keys(headers)) lower[k.toLowerCase()] = String(headers[k]).trim().replace(/\s+/g, ' ');
  const signedHeaders = names.join(';');
  const canonical = [
    r.method,
    uriEncode(r.path, true),
    canonicalQuery(r.query),
    names.map((n) => `${n}:${lower[n]}\n`).join(''),
    signedHeaders,
    r.payloadHash,
  ].join('\n');
  const day = r.amzDate.slice(0, 8);
  const scope = `${day}/${c.region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', r.amzDate, scope, h.sha256Hex(canonical)].join('\n');
  let key = h.hmac('AWS4' + c.secretKey, day);
  key = h.hmac(key, c.region);
  key = h.hmac(key, service);
  key = h.hmac(key, 'aws4_request');
  const signature = hex(h.hmac(key, toSign));
  const out: Record<string, string> = { ...headers };
  delete out.host; // k6 and Node set Host from the URL
  const fields = [`Credential=${c.accessKey}/${scope}`, `SignedHeaders=${signedHeaders}`, `Signature=${signature}`];
  out.Authorization = `AWS4-HMAC-SHA256 ${fields.join(', ')}`;
  return out;
}
