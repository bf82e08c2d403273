// The SDK clients' retry strategy (seed's uploads): throttled and transient failures are retried with
// exponential backoff and full jitter, honouring the host's Retry-After (scenarios/lib/backoff.ts), and
// the throttled answers are counted by HTTP status.
import type { RetryErrorInfo, RetryStrategyV2, RetryToken } from '@smithy/types';
import { backoffMs } from '../../scenarios/lib/backoff.js';

/** Attempts per request: a capped host may throttle a request many times before it passes. */
const ATTEMPTS = 30;

export class ThrottleBackoff implements RetryStrategyV2 {
  /** Throttled answers by HTTP status (503, 429). */
  readonly throttled = new Map<number, number>();
  retries = 0;

  constructor(
    private readonly attempts = ATTEMPTS,
    private readonly random: () => number = Math.random,
  ) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return token(0, 0);
  }

  async refreshRetryTokenForRetry(t: RetryToken, info: RetryErrorInfo): Promise<RetryToken> {
    const status = (info.error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
    if (info.errorType === 'THROTTLING' && status) this.throttled.set(status, (this.throttled.get(status) ?? 0) + 1);
    const attempt = t.getRetryCount() + 1;
    if (info.errorType === 'CLIENT_ERROR' || attempt >= this.attempts) throw info.error ?? new Error('no retry left');
    const retryAfter = info.retryAfterHint ? Math.max(0, info.retryAfterHint.getTime() - Date.now()) / 1000 : null;
    this.retries++;
    return token(attempt, backoffMs(attempt, retryAfter, this.random()));
  }

  recordSuccess(): void {}

  /** "503: 12, 429: 3", or "none". */
  describe(): string {
    const parts = [...this.throttled].sort().map(([s, n]) => `${s}: ${n}`);
    return parts.length ? parts.join(', ') : 'none';
  }
}

function token(count: number, delay: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delay };
}
