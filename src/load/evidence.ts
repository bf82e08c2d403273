// What a cutover reads back after the load: the hosts' copies of the acknowledged writes, and k6's samples.
import { createHash } from 'node:crypto';
import type { HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access } from '../hosts/sync.js';
import type { WriteEvent } from '../contracts/events.js';
import { readPoints } from '../contracts/results.js';
import { forEachLimited } from '../util/pool.js';
import type { HostSample } from './step-analysis.js';

/** The last acknowledged write of each key (the highest version of a state object). */
export function lastWrites(writes: WriteEvent[]): WriteEvent[] {
  const last = new Map<string, WriteEvent>();
  for (const w of writes) if ((last.get(w.key)?.version ?? -1) <= (w.version ?? 0)) last.set(w.key, w);
  return [...last.values()];
}

/** The writes `host` does not hold with the same SHA-256 (the last version of each key). */
export async function missingOn(host: HostProfile, writes: WriteEvent[]): Promise<WriteEvent[]> {
  const a = access(host);
  const missing: WriteEvent[] = [];
  const todo = lastWrites(writes);
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const w = todo[next++];
      const r = await s3Request(a, 'GET', w.key);
      if (r.status !== 200 || createHash('sha256').update(r.body).digest('hex') !== w.sha256) missing.push(w);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return missing;
}

/** The keys `host` still holds (a HEAD answered 200). */
export async function presentOn(host: HostProfile, keys: string[]): Promise<string[]> {
  const a = access(host);
  const present: string[] = [];
  await forEachLimited(keys, 8, async (key) => {
    if ((await s3Request(a, 'HEAD', key)).status === 200) present.push(key);
  });
  return present.sort();
}

/** Every request's span and outcome, in the order they started; with the host that served it when the
 * scenario recorded one (`cutover_host_duration`), "-" otherwise. */
export async function readSamples(path: string, byHost = false): Promise<HostSample[]> {
  const out: HostSample[] = [];
  const metric = byHost ? 'cutover_host_duration' : 'http_req_duration';
  for await (const p of readPoints(path, [metric])) {
    const end = Date.parse(p.data.time);
    const tags = p.data.tags as Record<string, string>;
    // The load's requests only: a consistency mix beside it (its own scenarios) is judged apart.
    if (tags.scenario && tags.scenario !== 'cutover') continue;
    const ok = byHost ? tags.ok === 'true' : tags.expected_response === 'true';
    out.push({ end, start: end - p.data.value, ok, ms: p.data.value, host: tags.host ?? '-' });
  }
  return out.sort((a, b) => a.start - b.start);
}
