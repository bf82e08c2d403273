// The lab's reference single switch, and what a candidate's switch command finds in its environment.
import type { HostProfile } from '../hosts/profile.js';
import type { DeltaSync } from '../hosts/sync.js';
import { haproxy } from '../hosts/haproxy.js';

/** Time for requests sent before a routing change to finish before the sync after it lists the hosts:
 * a write still in flight to the old host would be acknowledged after that listing, and left behind. */
export const DRAIN_MS = 1000;
export const drain = () => new Promise((r) => setTimeout(r, DRAIN_MS));

/** The lab's own procedure: final delta sync, HAProxy switch through its runtime API, post-switch delta sync. */
export async function referenceProcedure(front: HostProfile, syncs: DeltaSync[]): Promise<string> {
  const h = front.haproxy!;
  const lines: string[] = [];
  for (const s of syncs) {
    const r = await s.run();
    lines.push(`final delta sync: ${r.objects} objects, ${r.bytes} bytes, ${r.deleted} deleted`);
  }
  // Full weight whatever a progressive run left: a server at weight 0 takes no traffic.
  await haproxy(h.socket, `set server ${h.backend}/target weight 100`);
  await haproxy(h.socket, `set server ${h.backend}/target state ready`);
  await haproxy(h.socket, `set server ${h.backend}/source state maint`);
  lines.push(`switched ${h.backend} from source to target`);
  await drain();
  for (const s of syncs) {
    const r = await s.run({ keepTargetChanges: true });
    lines.push(`post-switch delta sync: ${r.objects} objects, ${r.bytes} bytes, ${r.deleted} deleted`);
  }
  return lines.join('\n');
}

/** The front's runtime API, for a candidate's command. */
export function haproxyEnv(front: HostProfile): Record<string, string> {
  const h = front.haproxy;
  if (!h) return {};
  return {
    SNDSBENCH_HAPROXY_SOCKET: h.socket,
    SNDSBENCH_HAPROXY_BACKEND: h.backend,
    ...(h.tenant_map ? { SNDSBENCH_HAPROXY_MAP: h.tenant_map } : {}),
    ...(h.tenant_backend ? { SNDSBENCH_HAPROXY_TENANT_BACKEND: h.tenant_backend } : {}),
  };
}
