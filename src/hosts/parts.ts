// The multipart rule every uploader follows: a part size within the host's published bounds.
import type { HostProfile } from './profile.js';

/** Part size honouring the host's rules: within its bounds and at most max_parts parts (as asked without a host). */
export function partSizeFor(p: HostProfile | null, fileBytes: number, wanted: number): number {
  if (!p) return wanted;
  const min = p.limits.part_size_min ?? 5 * 1024 ** 2;
  const max = p.limits.part_size_max ?? 5 * 1024 ** 3;
  const parts = p.limits.max_parts ?? 10000;
  return Math.min(max, Math.max(min, wanted, Math.ceil(fileBytes / parts)));
}

/** PUT requests an object of `bytes` takes: one, or initiate + each part + complete. */
export function putRequests(p: HostProfile | null, bytes: number, wanted: number): number {
  const part = partSizeFor(p, bytes, wanted);
  return bytes <= part ? 1 : Math.ceil(bytes / part) + 2;
}
