/** Bounded retries with exponential back-off and full jitter, honouring Retry-After (REST webhook target). */

/** Retry settings. */
export interface RetryPolicy {
  /** Attempts in total, including the first (>= 1). */
  readonly maxAttempts: number;
  /** Base delay of the first retry, ms. */
  readonly baseDelayMs: number;
  /** Upper bound of any single delay, ms (Retry-After included). */
  readonly maxDelayMs: number;
}

/** Whether a response status is worth retrying: 408, 425, 429 and 5xx except 501/505. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || (status >= 500 && status !== 501 && status !== 505);
}

/** Seconds from a Retry-After value (delta-seconds or HTTP date), if valid. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/**
 * Delay before retry number `retry` (1-based): Retry-After when the server sent one, else a random
 * delay in [0, base·2^(retry-1)] (full jitter, so many clients do not retry in lock step); capped.
 */
export function retryDelay(policy: RetryPolicy, retry: number, retryAfterSeconds?: number, random: () => number = Math.random): number {
  if (retryAfterSeconds !== undefined) return Math.min(policy.maxDelayMs, retryAfterSeconds * 1000);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.floor(random() * ceiling);
}
