// The multipart rule every uploader follows (scenarios/lib/parts.ts, shared with k6), with a host's limits.
import type { HostProfile } from './profile.js';
import { partSize, putRequestCount, S3_PART_RULES, type PartRules } from '../../scenarios/lib/parts.js';

/** The host's published bounds, S3's where it publishes none. */
export function partRules(p: HostProfile): PartRules {
  const d = S3_PART_RULES;
  return {
    min: p.limits.part_size_min ?? d.min,
    max: p.limits.part_size_max ?? d.max,
    maxParts: p.limits.max_parts ?? d.maxParts,
  };
}

/** Part size honouring the host's rules: within its bounds and at most max_parts parts (as asked without a host). */
export function partSizeFor(p: HostProfile | null, fileBytes: number, wanted: number): number {
  return p ? partSize(fileBytes, wanted, partRules(p)) : wanted;
}

/** PUT requests an object of `bytes` takes: one, or initiate + each part + complete. */
export function putRequests(p: HostProfile | null, bytes: number, wanted: number): number {
  return putRequestCount(bytes, partSizeFor(p, bytes, wanted));
}
