// Delta sync between two S3 hosts, from Node: lists a prefix on both, copies what the target lacks or
// what changed on the source since the last sync (by the source's ETag), and deletes what the source
// deleted. The lab's reference cutover runs it before and after the switch; a rollback runs its reverse,
// which copies back only what changed on the target since the forward sync wrote it.
import { credentialsOf, type HostProfile } from './profile.js';
import { azureRequest, s3Request, type S3Access } from './s3node.js';
import { access, azureAccess } from './access.js';
import { tag, unescapeXml as unescape } from '../../scenarios/lib/xml.js';
import { forEachLimited } from '../util/pool.js';
import { createHash } from 'node:crypto';

// Where most callers already look for it.
export { access };

/** Every object under `prefix`: key → [size, ETag]. */
export async function list(a: S3Access, prefix: string): Promise<Map<string, [number, string]>> {
  const out = new Map<string, [number, string]>();
  let token = '';
  do {
    const query: Record<string, string> = { 'list-type': '2', prefix, 'max-keys': '1000' };
    if (token) query['continuation-token'] = token;
    const r = await s3Request(a, 'GET', '', { query });
    if (r.status !== 200) throw new Error(`ListObjectsV2 on ${a.endpoint} answered ${r.status}`);
    const xml = r.body.toString();
    for (const c of xml.split('<Contents>').slice(1))
      out.set(unescape(tag(c, 'Key')), [Number(tag(c, 'Size')), unescape(tag(c, 'ETag'))]);
    token = tag(xml, 'IsTruncated') === 'true' ? unescape(tag(xml, 'NextContinuationToken')) : '';
  } while (token);
  return out;
}

/** The keys under `prefix` on any host (S3 or Azure Blob). */
export async function keysOn(p: HostProfile, prefix: string): Promise<Set<string>> {
  if (p.kind !== 'azure-blob') return new Set((await list(access(p), prefix)).keys());
  const a = azureAccess(p, credentialsOf(p));
  const out = new Set<string>();
  let marker = '';
  do {
    const query: Record<string, string> = { restype: 'container', comp: 'list', prefix, maxresults: '1000' };
    if (marker) query.marker = marker;
    const r = await azureRequest(a, 'GET', '', { query });
    if (r.status !== 200) throw new Error(`List Blobs on ${p.endpoint} answered ${r.status}`);
    const xml = r.body.toString();
    for (const b of xml.split('<Blob>').slice(1)) out.add(unescape(tag(b, 'Name')));
    marker = tag(xml, 'NextMarker');
  } while (marker);
  return out;
}

/** Deletes every object under `prefix` (one DELETE each, 16 at a time); returns how many there were. */
export async function removeAll(a: S3Access, prefix: string): Promise<number> {
  const keys = [...(await list(a, prefix)).keys()];
  await forEachLimited(keys, 16, async (k) => {
    const r = await s3Request(a, 'DELETE', k);
    if (r.status !== 204 && r.status !== 200) throw new Error(`DELETE ${k} on ${a.endpoint} answered ${r.status}`);
  });
  return keys.length;
}

/** S3's own bound on keys per DeleteObjects, for hosts that publish none. */
export const S3_KEYS_PER_BATCH_DELETE = 1000;

/** Deletes `keys` with DeleteObjects, at most `batch` keys a request (the host's keys_per_batch_delete);
 * a key the host could not delete fails the call, naming it. */
export async function deleteKeys(a: S3Access, keys: string[], batch: number): Promise<void> {
  for (let i = 0; i < keys.length; i += batch) {
    const xml =
      '<Delete><Quiet>true</Quiet>' +
      keys
        .slice(i, i + batch)
        .map((k) => `<Object><Key>${escapeXml(k)}</Key></Object>`)
        .join('') +
      '</Delete>';
    const md5 = createHash('md5').update(xml).digest('base64');
    const r = await s3Request(a, 'POST', '', { query: { delete: '' }, body: xml, headers: { 'content-md5': md5 } });
    const body = r.body.toString();
    if (r.status !== 200) throw new Error(`DeleteObjects on ${a.endpoint} answered ${r.status}: ${body.slice(0, 200)}`);
    const error = body.split('<Error>')[1];
    if (error)
      throw new Error(`DeleteObjects on ${a.endpoint} kept ${unescape(tag(error, 'Key'))}: ${tag(error, 'Code')}`);
  }
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

export class DeltaSync {
  constructor(
    private readonly from: S3Access,
    private readonly to: S3Access,
    private readonly prefix: string,
    private readonly concurrency = 8,
    /** Source ETag of each object as last copied (or found in step). */
    private readonly copied = new Map<string, string>(),
    /** Target ETag of each object as this sync wrote it: what a reverse sync compares with. */
    private readonly written = new Map<string, string>(),
  ) {}

  /** The same sync, narrowed to a prefix under its own, sharing what it has copied. */
  scoped(prefix: string): DeltaSync {
    if (!prefix.startsWith(this.prefix)) throw new Error(`${prefix} is not under ${this.prefix}`);
    return new DeltaSync(this.from, this.to, prefix, this.concurrency, this.copied, this.written);
  }

  /** Target → source, copying only what the target changed since this sync wrote it (a rollback): the
   * objects the sync put there and nobody touched since stay as the source has them, newer or not. */
  reverse(): DeltaSync {
    const mine = (m: Map<string, string>) => new Map([...m].filter(([k]) => k.startsWith(this.prefix)));
    // What this sync wrote to the target is what the reverse compares with; what it saw on the source is
    // the source as the reverse finds it, unless clients changed it since (keepTargetChanges).
    return new DeltaSync(this.to, this.from, this.prefix, this.concurrency, mine(this.written), mine(this.copied));
  }

  /** Copies new and changed objects, and deletes from the target what it had copied and the source no
   * longer holds (objects only ever on the target are left alone); returns how many, and the bytes copied. */
  async run(o: { keepTargetChanges?: boolean } = {}): Promise<{ objects: number; bytes: number; deleted: number }> {
    const [source, target] = await Promise.all([list(this.from, this.prefix), list(this.to, this.prefix)]);
    // Found in step: the same size and the same single-part ETag (an MD5 of the body) on both hosts.
    for (const [key, [size, etag]] of source) {
      const t = target.get(key);
      if (this.copied.has(key) || etag.includes('-') || t?.[0] !== size || t[1] !== etag) continue;
      this.copied.set(key, etag);
      this.written.set(key, t[1]);
    }
    // Changed on the source, or absent from the target and never written there by this sync (absent after it
    // wrote it, a client deleted it there); not "a different size on the target": that is a newer version
    // written there by clients already switched, which an older source copy would overwrite.
    // After a switch (keepTargetChanges), neither is an object the target holds otherwise than this sync
    // wrote it: clients moved to the target wrote it since, and their write is the newer.
    const changedOnTarget = (key: string) => target.has(key) && this.written.get(key) !== target.get(key)![1];
    const todo = [...source].filter(
      ([key, [, etag]]) =>
        (this.copied.get(key) !== etag || (!target.has(key) && !this.written.has(key))) &&
        !(o.keepTargetChanges && changedOnTarget(key)),
    );
    const gone = [...this.copied.keys()].filter((key) => key.startsWith(this.prefix) && !source.has(key));
    let bytes = 0;
    await forEachLimited(todo, this.concurrency, async ([key, [, etag]]) => {
      const got = await s3Request(this.from, 'GET', key, {}, 60_000);
      // Deleted since the listing: the next run deletes it from the target.
      if (got.status === 404) return;
      if (got.status !== 200) throw new Error(`GET ${key} from the source answered ${got.status}`);
      const headers: Record<string, string> = {};
      for (const [h, v] of Object.entries(got.headers))
        if (h.startsWith('x-amz-meta-') && typeof v === 'string') headers[h] = v;
      // The listing is a moment old: a client may have written the target since. A conditional PUT (the
      // target's copy as this sync wrote it, or none) leaves that newer write alone: 412, nothing copied.
      if (o.keepTargetChanges) {
        const mine = this.written.get(key);
        headers[mine ? 'if-match' : 'if-none-match'] = mine ?? '*';
      }
      const put = await s3Request(this.to, 'PUT', key, { body: got.body, headers }, 60_000);
      // 412: a client wrote it since; 404 (If-Match on a key gone): a client deleted it since. Both are newer.
      if ((put.status === 412 || put.status === 404) && o.keepTargetChanges) return;
      if (put.status !== 200) throw new Error(`PUT ${key} to the target answered ${put.status}`);
      this.copied.set(key, etag);
      const written = put.headers.etag;
      if (typeof written === 'string') this.written.set(key, written);
      bytes += got.body.length;
    });
    await forEachLimited(gone, this.concurrency, async (key) => {
      if (target.has(key)) {
        const r = await s3Request(this.to, 'DELETE', key);
        if (r.status !== 204 && r.status !== 200) throw new Error(`DELETE ${key} on the target answered ${r.status}`);
      }
      this.copied.delete(key);
      this.written.delete(key);
    });
    return { objects: todo.length, bytes, deleted: gone.length };
  }
}
