/** Sliding-window rate limiter (per minute plus a per-second burst), as Personio enforces on GET employees. */

/** Limits; an absent limit is not enforced. */
export interface RateLimitConfig {
  readonly perMinute?: number;
  readonly burstPerSecond?: number;
}

/** Returns `take()`: true when the request may pass, false when it must be answered 429. */
export function createRateLimiter(cfg: RateLimitConfig, now: () => number = Date.now) {
  const stamps: number[] = [];
  return {
    take(): boolean {
      const t = now();
      while (stamps.length > 0 && (stamps[0] as number) <= t - 60_000) stamps.shift();
      if (cfg.perMinute !== undefined && stamps.length >= cfg.perMinute) return false;
      if (cfg.burstPerSecond !== undefined) {
        let inLastSecond = 0;
        for (let i = stamps.length - 1; i >= 0 && (stamps[i] as number) > t - 1000; i--) inLastSecond++;
        if (inLastSecond >= cfg.burstPerSecond) return false;
      }
      stamps.push(t);
      return true;
    },
  };
}
