// `sndsbench probe --host P`: which S3 features a host really has, observed with real requests under a
// prefix of its own (removed afterwards). The scenarios rely on the first four; the others are
// features some implementations lack, which the harness works around or names (conditional writes:
// probe-conditional.ts).
import { createHash, randomBytes } from 'node:crypto';
import type { HostProfile } from './profile.js';
import { access } from './sync.js';
import { s3Request, type S3Access } from './s3node.js';
import { tag } from '../../scenarios/lib/xml.js';
import { forEachLimited } from '../util/pool.js';
import { probeConditional } from './probe-conditional.js';

export const CAPABILITIES = [
  'single PUT',
  'multipart',
  'range GET',
  'ListObjectsV2 paging',
  'user metadata',
  'unsigned payload',
  'x-amz-checksum-sha256',
  'virtual-host addressing',
  'conditional create',
  'conditional overwrite',
  'atomic under concurrency',
] as const;
export type Capability = (typeof CAPABILITIES)[number];
/** What the scenarios cannot do without. */
export const REQUIRED: Capability[] = ['single PUT', 'multipart', 'range GET', 'ListObjectsV2 paging'];

export interface Observation {
  capability: Capability;
  ok: boolean;
  detail: string;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest();
/** A new server may take seconds to allocate its first storage (SeaweedFS grows volumes on demand). */
const TIMEOUT = 60_000;
const PART = 5 * 1024 ** 2;

export async function probe(p: HostProfile, listed = 1001): Promise<Observation[]> {
  const a: S3Access = { ...access(p), virtual: false };
  const prefix = `sndsbench-probe-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}/`;
  const written: string[] = [];
  const out: Observation[] = [];
  const note = (capability: Capability, ok: boolean, detail: string) => out.push({ capability, ok, detail });
  const put = async (key: string, body: Buffer, headers: Record<string, string> = {}, signPayload = true) => {
    const r = await s3Request(a, 'PUT', prefix + key, { body, headers, signPayload }, TIMEOUT);
    if (r.status < 300) written.push(prefix + key);
    return r;
  };
  const body = randomBytes(4096);
  try {
    const single = await put('single', body);
    const back = await s3Request(a, 'GET', prefix + 'single', {}, TIMEOUT);
    note(
      'single PUT',
      single.status === 200 && back.body.equals(body),
      single.status === 200
        ? back.body.equals(body)
          ? 'read back identical'
          : 'read back differs'
        : `HTTP ${single.status}`,
    );

    const range = await s3Request(a, 'GET', prefix + 'single', { headers: { range: 'bytes=100-199' } }, TIMEOUT);
    note(
      'range GET',
      range.status === 206 && range.body.equals(body.subarray(100, 200)),
      range.status === 206 ? `206, ${range.body.length} bytes` : `HTTP ${range.status}`,
    );

    const meta = await put('meta', body, { 'x-amz-meta-sha256': 'abc123' });
    const head = await s3Request(a, 'HEAD', prefix + 'meta', {}, TIMEOUT);
    note(
      'user metadata',
      meta.status === 200 && head.headers['x-amz-meta-sha256'] === 'abc123',
      head.headers['x-amz-meta-sha256'] === 'abc123' ? 'x-amz-meta-* kept' : 'x-amz-meta-* not returned by HEAD',
    );

    const unsigned = await put('unsigned', body, {}, false);
    note(
      'unsigned payload',
      unsigned.status === 200,
      unsigned.status === 200 ? 'UNSIGNED-PAYLOAD accepted' : `HTTP ${unsigned.status}`,
    );

    const good = await put('checksum', body, { 'x-amz-checksum-sha256': sha256(body).toString('base64') });
    const bad = await put('checksum-wrong', body, {
      'x-amz-checksum-sha256': sha256(Buffer.from('other')).toString('base64'),
    });
    note(
      'x-amz-checksum-sha256',
      good.status === 200 && bad.status >= 400,
      good.status !== 200
        ? `HTTP ${good.status} with a right checksum`
        : bad.status >= 400
          ? 'a wrong checksum is refused'
          : 'a wrong checksum is accepted (ignored)',
    );

    const conditional = await probeConditional(a, prefix, written);
    note('conditional create', ...conditional.create);
    note('conditional overwrite', ...conditional.overwrite);
    note('atomic under concurrency', ...conditional.concurrent);

    note('multipart', ...(await multipart(a, prefix + 'multipart', written)));
    note('ListObjectsV2 paging', ...(await paging(a, prefix, listed, put)));

    const virtual = await s3Request({ ...a, virtual: true }, 'GET', prefix + 'single', {}, TIMEOUT).catch(
      (e: Error) => ({ status: 0, body: Buffer.alloc(0), error: e.message }),
    );
    note(
      'virtual-host addressing',
      virtual.status === 200 && virtual.body.equals(body),
      virtual.status === 200
        ? virtual.body.equals(body)
          ? `the bucket in the host name answers`
          : 'answers another object'
        : `HTTP ${virtual.status || ('error' in virtual ? virtual.error : '')}`,
    );
  } finally {
    await forEachLimited(written, 16, (k) => s3Request(a, 'DELETE', k, {}, TIMEOUT).catch(() => undefined));
  }
  return out.sort((x, y) => CAPABILITIES.indexOf(x.capability) - CAPABILITIES.indexOf(y.capability));
}

/** Two equal parts of 5 MiB, completed, read back whole. */
async function multipart(a: S3Access, key: string, written: string[]): Promise<[boolean, string]> {
  const init = await s3Request(a, 'POST', key, { query: { uploads: '' } }, TIMEOUT);
  const id = tag(init.body.toString(), 'UploadId');
  if (init.status !== 200 || !id) return [false, `CreateMultipartUpload: HTTP ${init.status}`];
  const parts = [randomBytes(PART), randomBytes(PART)];
  const etags: string[] = [];
  for (const [i, part] of parts.entries()) {
    const r = await s3Request(
      a,
      'PUT',
      key,
      { query: { partNumber: String(i + 1), uploadId: id }, body: part },
      TIMEOUT,
    );
    if (r.status !== 200) return [false, `UploadPart: HTTP ${r.status}`];
    etags.push(String(r.headers.etag));
  }
  const partList = etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join('');
  const xml = `<CompleteMultipartUpload>${partList}</CompleteMultipartUpload>`;
  const done = await s3Request(a, 'POST', key, { query: { uploadId: id }, body: xml }, TIMEOUT);
  if (done.status !== 200 || /<Error>/.test(done.body.toString()))
    return [false, `CompleteMultipartUpload: HTTP ${done.status}`];
  written.push(key);
  const back = await s3Request(a, 'GET', key, {}, TIMEOUT);
  const same = back.body.equals(Buffer.concat(parts));
  return [same, same ? '2 equal parts of 5 MiB, read back identical' : 'the assembled object differs'];
}

/** `n` keys, listed in pages of at most 1,000 with continuation tokens. */
async function paging(
  a: S3Access,
  prefix: string,
  n: number,
  put: (k: string, b: Buffer) => Promise<{ status: number }>,
): Promise<[boolean, string]> {
  const keys = Array.from({ length: n }, (_, i) => `list/${String(i).padStart(5, '0')}`);
  await forEachLimited(keys, 16, (k) => put(k, Buffer.from(k)));
  const seen: string[] = [];
  let token = '';
  let pages = 0;
  do {
    const query: Record<string, string> = {
      'list-type': '2',
      prefix: `${prefix}list/`,
      ...(token ? { 'continuation-token': token } : {}),
    };
    const r = await s3Request(a, 'GET', '', { query }, TIMEOUT);
    if (r.status !== 200) return [false, `ListObjectsV2: HTTP ${r.status}`];
    const xml = r.body.toString();
    seen.push(...[...xml.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]));
    token = tag(xml, 'IsTruncated') === 'true' ? tag(xml, 'NextContinuationToken') : '';
    pages++;
  } while (token && pages < 10);
  const unique = new Set(seen).size;
  return [unique === n && pages > 1, `${unique} of ${n} keys in ${pages} page(s)`];
}
