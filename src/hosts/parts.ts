// The multipart rule every uploader follows (scenarios/lib/parts.ts, shared with k6), with a host's limits.
import type { HostProfile } from './profile.js';
import { UsageError } from '../util/errors.js';
import { connectionBandwidth } from './limits.js';
import { partPlan, S3_PART_RULES, type PartPlan, type PartRules } from '../../scenarios/lib/parts.js';

/** The host's published bounds, S3's where it publishes none. With an upload time limit, a request may
 * carry what one connection sends within it: at the published per-connection bandwidth, else at
 * `connectionBytesPerSecond` when a rehearsal measured it. */
export function partRules(p: HostProfile, connectionBytesPerSecond: number | null = null): PartRules {
  const d = S3_PART_RULES;
  const l = p.limits;
  const rate = connectionBandwidth(l) ?? connectionBytesPerSecond;
  return {
    min: l.part_size_min ?? d.min,
    max: l.part_size_max ?? d.max,
    maxParts: l.max_parts ?? d.maxParts,
    maxObject: l.max_object ?? null,
    maxSinglePut: l.max_single_put ?? null,
    equalParts: l.equal_parts ?? null,
    maxRequestBytes: l.upload_time_limit_s && rate ? Math.floor(l.upload_time_limit_s * rate) : null,
  };
}

/** How an object of `bytes` goes up to host `p` (S3's rules without a host); an object no plan fits is
 * refused in one line naming the host and the limit, before any request. */
export function partPlanFor(
  p: HostProfile | null,
  bytes: number,
  wanted: number,
  connectionBytesPerSecond: number | null = null,
): Extract<PartPlan, { single: boolean }> {
  const plan = partPlan(bytes, wanted, p ? partRules(p, connectionBytesPerSecond) : S3_PART_RULES);
  if (plan.refused !== undefined) throw new UsageError(`${p?.name ?? 'S3'} cannot take an object: ${plan.refused}`);
  return plan;
}

/** Part size honouring the host's rules. */
export function partSizeFor(p: HostProfile | null, fileBytes: number, wanted: number): number {
  return partPlanFor(p, fileBytes, wanted).partSize;
}

/** PUT requests an object of `bytes` takes: one, or initiate + each part + complete. */
export function putRequests(p: HostProfile | null, bytes: number, wanted: number): number {
  return partPlanFor(p, bytes, wanted).requests;
}
