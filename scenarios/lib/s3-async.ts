// The S3 calls of scenarios written in k6's async style: the same signing and URLs as s3.ts, through
// http.asyncRequest, so that one VU can have several requests in flight (a round of concurrent
// conditional writes) and its iterations await their answers.
import http, { type RefinedResponse, type ResponseType } from 'k6/http';
import exec from 'k6/execution';
import { amzDate, sign, UNSIGNED, uriEncode } from './sigv4.ts';
import { k6Hashing } from './k6crypto.ts';
import type { CallOptions, S3Target } from './s3.ts';

export type Answer = RefinedResponse<ResponseType>;

export class AsyncS3 {
  private readonly host: string;
  private readonly scheme: string;

  constructor(readonly t: S3Target) {
    const m = /^(https?):\/\/([^/]+)/.exec(t.endpoint);
    if (!m) throw new Error(`bad endpoint ${t.endpoint}`);
    this.scheme = m[1];
    this.host = t.pathStyle ? m[2] : `${t.bucket}.${m[2]}`;
  }

  request(method: string, key: string, body: string | ArrayBuffer | null, o: CallOptions): Promise<Answer> {
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
      headers,
      tags: { name: o.name, op: o.op },
      responseType: o.discard ? 'none' : o.text ? 'text' : 'binary',
      ...(o.expected ? { responseCallback: http.expectedStatuses(...o.expected) } : {}),
      timeout: '60s',
    });
  }

  put(key: string, body: string, headers?: Record<string, string>, expected?: number[]) {
    return this.request('PUT', key, body, { name: 'PutObject', op: 'put', discard: true, headers, expected });
  }

  get(key: string) {
    return this.request('GET', key, null, { name: 'GetObject', op: 'get', text: true, expected: [200, 404] });
  }

  head(key: string) {
    return this.request('HEAD', key, null, { name: 'HeadObject', op: 'head', discard: true, expected: [200, 404] });
  }

  delete(key: string) {
    return this.request('DELETE', key, null, { name: 'DeleteObject', op: 'delete', discard: true });
  }

  list(prefix: string, token?: string) {
    const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': '1000' };
    if (token) query['continuation-token'] = token;
    return this.request('GET', '', null, { query, name: 'ListObjectsV2', op: 'list', text: true });
  }
}
