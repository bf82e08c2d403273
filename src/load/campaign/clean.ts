// `campaign clean`: deletes from each host exactly what the campaign wrote (the keys under the prefixes
// it recorded that were not there before it started), then lists each bucket again and proves that what
// remains is what was there before the campaign.
import { loadProfile, credentialsOf, type HostProfile } from '../../hosts/profile.js';
import { access, azureAccess } from '../../hosts/access.js';
import { azureRequest } from '../../hosts/s3node.js';
import { deleteKeys, keysOn, S3_KEYS_PER_BATCH_DELETE } from '../../hosts/sync.js';
import { forEachLimited } from '../../util/pool.js';
import type { Campaign } from './file.js';
import { readState } from './state.js';

export interface CleanResult {
  host: string;
  deleted: number;
  /** Keys there now that were not there before, and keys there before that are gone. */
  extra: string[];
  missing: string[];
}

async function remove(p: HostProfile, keys: string[]): Promise<void> {
  if (p.kind === 'azure-blob') {
    const a = azureAccess(p, credentialsOf(p));
    await forEachLimited(keys, 16, async (k) => {
      const r = await azureRequest(a, 'DELETE', k);
      if (r.status !== 202 && r.status !== 404) throw new Error(`Delete Blob ${k} on ${p.name} answered ${r.status}`);
    });
    return;
  }
  await deleteKeys(access(p), keys, p.limits.keys_per_batch_delete ?? S3_KEYS_PER_BATCH_DELETE);
}

export async function cleanCampaign(c: Campaign): Promise<CleanResult[]> {
  const state = readState(c.results, c.name);
  const deleted = new Map<string, number>();
  for (const [host, before] of Object.entries(state.before)) {
    const p = loadProfile(host);
    const had = new Set(before);
    const prefixes = state.owned[host] ?? [];
    const written = [...(await keysOn(p, ''))].filter((k) => !had.has(k) && prefixes.some((x) => k.startsWith(x)));
    await remove(p, written);
    deleted.set(host, written.length);
  }
  // Listed after every host is cleaned: two candidates may share a bucket behind different fronts.
  const out: CleanResult[] = [];
  for (const [host, before] of Object.entries(state.before)) {
    const had = new Set(before);
    const after = await keysOn(loadProfile(host), '');
    out.push({
      host,
      deleted: deleted.get(host) ?? 0,
      extra: [...after].filter((k) => !had.has(k)).sort(),
      missing: before.filter((k) => !after.has(k)),
    });
  }
  return out;
}
