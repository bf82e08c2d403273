// The S3 calls the scenarios make, signed with SigV4, path-style by default, each a promise
// (http.asyncRequest) so that a VU never blocks its thread. Every request carries a fixed `name` tag so
// that object keys never become metric series.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import exec from 'k6/execution';
import { amzDate, sign, UNSIGNED, uriEncode, type Credentials } from './sigv4.ts';
import { k6Hashing } from './k6crypto.ts';
import { throttled } from './metrics.ts';
import { backoffMs, isThrottled, retryAfterSeconds } from './backoff.ts';
import { delay } from './delay.ts';

export interface S3Target extends Credentials {
  endpoint: string; // http://127.0.0.1:7070
  bucket: string;
  pathStyle: boolean;
}

/** Reads the target the runner passes in the environment (never a secret in the script). The keys are
 * checked at the first request, not at init: `k6 archive` runs the init code, and an archive must not
 * carry them (a k6-operator pod gets them from its Secret). */
export function targetFromEnv(prefix = 'S3'): S3Target {
  const need = (k: string) => {
    const v = __ENV[k];
    if (!v) throw new Error(`missing environment variable ${k}`);
    return v;
  };
  return {
    endpoint: need(`${prefix}_ENDPOINT`).replace(/\/$/, ''),
    bucket: need(`${prefix}_BUCKET`),
    region: __ENV[`${prefix}_REGION`] || 'us-east-1',
    accessKey: __ENV[`${prefix}_ACCESS_KEY`] || '',
    secretKey: __ENV[`${prefix}_SECRET_KEY`] || '',
    pathStyle: __ENV[`${prefix}_PATH_STYLE`] !== 'false',
  };
}

type Body = string | ArrayBuffer | null;

export interface CallOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  name: string;
  op: string;
  discard?: boolean;
  /** Read the body as text (listings) rather than bytes. */
  text?: boolean;
  /** Statuses that are not failures (k6's http_req_failed), when other than 2xx and 3xx. */
  expected?: number[];
}

export class S3 {
  private readonly host: string;
  private readonly scheme: string;
  /** Sent with every request, unsigned: what a front routes by (the cutover's client id). */
  unsigned: Record<string, string> = {};
  /** Times a throttled request (429, 503) is sent again, after a backoff with jitter that honours
   * Retry-After; each throttled answer is counted by kind of request. 0: answered as it comes. */
  throttleRetries = 0;

  constructor(readonly t: S3Target) {
    const m = /^(https?):\/\/([^/]+)/.exec(t.endpoint);
    if (!m) throw new Error(`bad endpoint ${t.endpoint}`);
    this.scheme = m[1];
    this.host = t.pathStyle ? m[2] : `${t.bucket}.${m[2]}`;
  }

  async request(method: string, key: string, body: Body, o: CallOptions): Promise<RefinedResponse<ResponseType>> {
    for (let attempt = 1; ; attempt++) {
      const r = await this.once(method, key, body, o);
      if (!isThrottled(r.status) || attempt > this.throttleRetries) return r;
      throttled.add(1, { op: o.op, status: String(r.status) });
      const after = retryAfterSeconds(String(r.headers['Retry-After'] ?? ''), Date.now());
      await delay(backoffMs(attempt, after, Math.random()) / 1000);
    }
  }

  private once(method: string, key: string, body: Body, o: CallOptions): Promise<RefinedResponse<ResponseType>> {
    if (!this.t.accessKey || !this.t.secretKey)
      exec.test.abort(`missing environment variable ${this.t.accessKey ? 'S3_SECRET_KEY' : 'S3_ACCESS_KEY'}`);
    const path = this.t.pathStyle ? `/${this.t.bucket}/${key}` : `/${key}`;
    const headers = sign(k6Hashing, this.t, {
      method,
      host: this.host,
      path,
      query: o.query,
      headers: o.headers,
      payloadHash: UNSIGNED,
      amzDate: amzDate(new Date()),
    });
    const qs = o.query
      ? Object.keys(o.query)
          .sort()
          .map((k) => `${uriEncode(k)}=${uriEncode(o.query![k])}`)
          .join('&')
      : '';
    const url = `${this.scheme}://${this.host}${uriEncode(path, true)}${qs ? '?' + qs : ''}`;
    return http.asyncRequest(method, url, body, {
      headers: { ...headers, ...this.unsigned },
      tags: { name: o.name, op: o.op },
      responseType: o.discard ? 'none' : o.text ? 'text' : 'binary',
      ...(o.expected ? { responseCallback: http.expectedStatuses(...o.expected) } : {}),
      timeout: '120s',
    });
  }

  put(key: string, body: ArrayBuffer, headers?: Record<string, string>) {
    return this.request('PUT', key, body, { name: 'PutObject', op: 'put', discard: true, headers });
  }

  get(key: string, range?: [number, number], discard = true) {
    const headers = range ? { Range: `bytes=${range[0]}-${range[1]}` } : undefined;
    return this.request('GET', key, null, {
      headers,
      name: range ? 'GetObjectRange' : 'GetObject',
      op: range ? 'get_range' : 'get',
      discard,
    });
  }

  head(key: string) {
    return this.request('HEAD', key, null, { name: 'HeadObject', op: 'head', discard: true });
  }

  delete(key: string) {
    return this.request('DELETE', key, null, { name: 'DeleteObject', op: 'delete', discard: true });
  }

  list(prefix: string, maxKeys = 1000, token?: string) {
    const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': String(maxKeys) };
    if (token) query['continuation-token'] = token;
    return this.request('GET', '', null, { query, name: 'ListObjectsV2', op: 'list', text: true });
  }

  async createMultipart(key: string, headers?: Record<string, string>): Promise<string> {
    const r = await this.request('POST', key, null, {
      query: { uploads: '' },
      name: 'CreateMultipartUpload',
      op: 'multipart_create',
      text: true,
      headers,
    });
    const m = /<UploadId>([^<]+)<\/UploadId>/.exec(String(r.body ?? ''));
    if (r.status !== 200 || !m) throw new Error(`CreateMultipartUpload failed: ${r.status}`);
    return m[1];
  }

  uploadPart(key: string, uploadId: string, part: number, body: ArrayBuffer) {
    return this.request('PUT', key, body, {
      query: { partNumber: String(part), uploadId },
      name: 'UploadPart',
      op: 'multipart_part',
      discard: false,
    });
  }

  completeMultipart(key: string, uploadId: string, etags: string[]) {
    const xml =
      '<CompleteMultipartUpload>' +
      etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('') +
      '</CompleteMultipartUpload>';
    return this.request('POST', key, xml, {
      query: { uploadId },
      name: 'CompleteMultipartUpload',
      op: 'multipart_complete',
    });
  }

  abortMultipart(key: string, uploadId: string) {
    return this.request('DELETE', key, null, {
      query: { uploadId },
      name: 'AbortMultipartUpload',
      op: 'multipart_abort',
      discard: true,
    });
  }
}
