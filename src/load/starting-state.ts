// The state a rehearsal starts from, proved before any load: the front routes to the old host only. A
// rehearsal run while the front still routes to the new host (after an earlier cutover) would send all its
// load there, measure no switch at all and pass.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../util/errors.js';
import type { HostProfile } from '../hosts/profile.js';
import { s3Request } from '../hosts/s3node.js';
import { access } from '../hosts/sync.js';
import { frontRouting } from '../hosts/haproxy.js';

/** Reads through the front: enough for a round-robin or weighted front to reach every server it uses. */
const READS = 8;

/** Throws a usage error (exit 2) naming what is wrong unless every read of a probe object written only to
 * `from` comes back through `front`, and the front's runtime API (when it has one) routes nothing to `to`. */
export async function checkStartingState(front: HostProfile, from: HostProfile, to: HostProfile): Promise<void> {
  const reset = front.haproxy ? '; "sndsbench lab reset" returns the lab\'s front to the old host' : '';
  if (front.haproxy) {
    const routing = await frontRouting(front.haproxy);
    if (routing) throw new UsageError(`${front.name} already routes to ${to.name} (${routing})${reset}`);
  }
  const key = `sndsbench-probe/${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`;
  const body = randomBytes(64);
  const source = access(from);
  const put = await s3Request(source, 'PUT', key, { body });
  if (put.status !== 200) throw new UsageError(`cannot write a probe object to ${from.name}: HTTP ${put.status}`);
  try {
    const through = access(front);
    for (let i = 0; i < READS; i++) {
      const r = await s3Request(through, 'GET', key);
      if (r.status !== 200 || !r.body.equals(body))
        throw new UsageError(
          `${front.name} does not route to ${from.name}: a probe object written only there read ` +
            `${r.status === 200 ? 'other bytes' : `HTTP ${r.status}`} through it${reset}`,
        );
    }
  } finally {
    await s3Request(source, 'DELETE', key).catch(() => undefined);
  }
}
