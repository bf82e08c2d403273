// The migration's source: an S3 bucket (SigV4) or an Azure Blob container (SharedKey or a SAS token), listed and
// read the same way.
import http from 'k6/http';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { S3 } from './s3.ts';
import { sasHeaders, signAzure } from './azure.ts';
import { tag, unescapeXml as unescape } from './xml.ts';

export interface Listed {
  key: string;
  size: number;
  /** Changes when the object is rewritten: what --delta compares with the previous copy. */
  etag: string;
}

export interface Read {
  status: number;
  body: ArrayBuffer | null;
}

export interface Source {
  list(prefix: string): Promise<Listed[]>;
  get(key: string): Promise<Read>;
}

export function s3Source(s3: S3): Source {
  return {
    async list(prefix) {
      const out: Listed[] = [];
      let token: string | undefined;
      do {
        const r = await s3.list(prefix, 1000, token);
        if (r.status !== 200) throw new Error(`source ListObjectsV2 answered ${r.status}`);
        const xml = String(r.body);
        for (const c of xml.split('<Contents>').slice(1))
          out.push({ key: unescape(tag(c, 'Key')), size: Number(tag(c, 'Size')), etag: unescape(tag(c, 'ETag')) });
        token = tag(xml, 'IsTruncated') === 'true' ? unescape(tag(xml, 'NextContinuationToken')) : undefined;
      } while (token);
      return out;
    },
    async get(key) {
      const r = await s3.request('GET', key, null, { name: 'SourceGet', op: 'source_get' });
      return { status: r.status, body: r.status === 200 ? (r.body as ArrayBuffer) : null };
    },
  };
}

export interface AzureSource {
  endpoint: string; // http://127.0.0.1:10000 (Azurite, path style: the account follows)
  account: string;
  key: string; // base64
  container: string;
  /** A SAS token instead of the account key. */
  sas?: string;
}

export function azureSource(a: AzureSource): Source {
  const hashing = {
    hmacBase64: (key: string, data: string) => crypto.hmac('sha256', encoding.b64decode(key), data, 'base64') as string,
  };
  const call = (method: string, blob: string, query: Record<string, string>, name: string, binary: boolean) => {
    const path = `/${a.account}/${a.container}${blob ? '/' + blob : ''}`;
    const headers = a.sas
      ? sasHeaders({}, new Date())
      : signAzure(hashing, { account: a.account, key: a.key }, { method, path, query, headers: {} }, new Date());
    const qs = [
      ...Object.keys(query).map((k) => `${k}=${encodeURIComponent(query[k])}`),
      ...(a.sas ? [a.sas] : []),
    ].join('&');
    return http.asyncRequest(method, `${a.endpoint.replace(/\/$/, '')}${path}${qs ? '?' + qs : ''}`, null, {
      headers,
      tags: { name, op: name === 'SourceGet' ? 'source_get' : 'list' },
      responseType: binary ? 'binary' : 'text',
      timeout: '120s',
    });
  };
  return {
    async list(prefix) {
      const out: Listed[] = [];
      let marker = '';
      do {
        const q: Record<string, string> = { restype: 'container', comp: 'list', prefix, maxresults: '1000' };
        if (marker) q.marker = marker;
        const r = await call('GET', '', q, 'ListBlobs', false);
        if (r.status !== 200) throw new Error(`source List Blobs answered ${r.status}`);
        const xml = String(r.body);
        for (const b of xml.split('<Blob>').slice(1))
          out.push({
            key: unescape(tag(b, 'Name')),
            size: Number(tag(b, 'Content-Length')),
            etag: unescape(tag(b, 'Etag')),
          });
        marker = tag(xml, 'NextMarker');
      } while (marker);
      return out;
    },
    async get(key) {
      const r = await call('GET', key, {}, 'SourceGet', true);
      return { status: r.status, body: r.status === 200 ? (r.body as ArrayBuffer) : null };
    },
  };
}
