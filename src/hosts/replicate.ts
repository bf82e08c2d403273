// Continuous replication, the lab's reference for double hosting: a delta sync of each prefix (new
// objects, overwrites, deletions), pass after pass, one pass starting every `everyMs` (at once when the
// last took longer), until `stop` is aborted. A failed pass is logged and the next one tries again: a
// host that answers badly for a while must not end the replication.
import type { HostProfile } from './profile.js';
import { access, DeltaSync } from './sync.js';

export async function replicate(
  from: HostProfile,
  to: HostProfile,
  prefixes: string[],
  everyMs: number,
  stop: AbortSignal,
  log: (line: string) => void,
): Promise<void> {
  const syncs = prefixes.map((p) => new DeltaSync(access(from), access(to), p));
  for (let pass = 1; !stop.aborted; pass++) {
    const start = Date.now();
    // A pass under way finishes before the stop is obeyed: the target is left with whole objects.
    const results = await Promise.allSettled(syncs.map((s) => s.run()));
    results.forEach((r, i) => {
      if (r.status === 'rejected') log(`pass ${pass} ${prefixes[i]}: ${(r.reason as Error).message}`);
      else if (r.value.objects || r.value.deleted)
        log(
          `pass ${pass} ${prefixes[i]}: ${r.value.objects} copied (${r.value.bytes} bytes), ${r.value.deleted} deleted`,
        );
    });
    await sleep(start + everyMs - Date.now(), stop);
  }
}

function sleep(ms: number, stop: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || stop.aborted) return resolve();
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    }
  });
}
