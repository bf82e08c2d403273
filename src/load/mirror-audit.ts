// The final audit of double hosting: both hosts listed under every prefix kept in step, every object's
// body read from both and its SHA-256 compared. Each difference is named: missing (the new host lacks
// it), stale (it holds another body), resurrected (it holds what the load deleted on the old host), extra
// (it holds what the old host never had, as far as the load knows).
import { createHash } from 'node:crypto';
import type { S3Access } from '../hosts/s3node.js';
import { s3Request } from '../hosts/s3node.js';
import { list } from '../hosts/sync.js';
import { forEachLimited } from '../util/pool.js';

export interface Difference {
  key: string;
  kind: 'missing' | 'stale' | 'resurrected' | 'extra';
}

export interface Audit {
  objects: { from: number; to: number };
  differences: Difference[];
}

/** The differences between two hosts' key → SHA-256 maps; `deleted`: the keys the load deleted. */
export function compare(
  from: ReadonlyMap<string, string>,
  to: ReadonlyMap<string, string>,
  deleted: ReadonlySet<string>,
): Difference[] {
  const out: Difference[] = [];
  for (const [key, sha] of from) {
    const other = to.get(key);
    if (other === undefined) out.push({ key, kind: 'missing' });
    else if (other !== sha) out.push({ key, kind: 'stale' });
  }
  for (const key of to.keys()) if (!from.has(key)) out.push({ key, kind: deleted.has(key) ? 'resurrected' : 'extra' });
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** Every object under the prefixes: key → SHA-256 of its body. */
async function hashes(a: S3Access, prefixes: string[]): Promise<Map<string, string>> {
  const keys = (await Promise.all(prefixes.map((p) => list(a, p)))).flatMap((m) => [...m.keys()]);
  const out = new Map<string, string>();
  await forEachLimited(keys, 8, async (key) => {
    const r = await s3Request(a, 'GET', key, {}, 60_000);
    // Gone since the listing: absent, as a new listing would say.
    if (r.status === 404) return;
    if (r.status !== 200) throw new Error(`GET ${key} on ${a.endpoint} answered ${r.status}`);
    out.set(key, createHash('sha256').update(r.body).digest('hex'));
  });
  return out;
}

export async function audit(
  from: S3Access,
  to: S3Access,
  prefixes: string[],
  deleted: ReadonlySet<string>,
): Promise<Audit> {
  const [a, b] = await Promise.all([hashes(from, prefixes), hashes(to, prefixes)]);
  return { objects: { from: a.size, to: b.size }, differences: compare(a, b, deleted) };
}
