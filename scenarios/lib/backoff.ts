// Backing off from a throttled host, in k6 (the scenarios) and in Node (seed) alike: this file imports
// nothing. Exponential with full jitter, so that clients throttled together do not come back together;
// a Retry-After the host sends is a floor, with the jitter on top.

export interface Backoff {
  baseMs: number;
  capMs: number;
}

export const BACKOFF: Backoff = { baseMs: 50, capMs: 5000 };

/** Milliseconds to wait before retry `attempt` (1 for the first retry); `random` in [0, 1). */
export function backoffMs(attempt: number, retryAfterS: number | null, random: number, b: Backoff = BACKOFF): number {
  const jitter = random * Math.min(b.capMs, b.baseMs * 2 ** Math.max(0, attempt - 1));
  return retryAfterS === null ? jitter : retryAfterS * 1000 + jitter;
}

/** A Retry-After header's delay in seconds (delay-seconds or an HTTP date), or null. */
export function retryAfterSeconds(value: string | undefined | null, now: number): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, (t - now) / 1000);
}

/** S3's throttling answers: 503 (SlowDown) and 429 (Too Many Requests). */
export const isThrottled = (status: number) => status === 503 || status === 429;
