/** How long to wait before the next attempt after consecutive failures. */
export interface BackoffPolicy {
  /** Upper bound of the first wait; it doubles with every further failure. */
  readonly baseMs: number;
  /** No wait grows beyond this (Retry-After excepted). */
  readonly capMs: number;
  /** No wait is shorter than this, so a failing endpoint is never hammered in a loop. */
  readonly floorMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 60_000, floorMs: 250 } as const;

/**
 * "Full jitter" exponential backoff: a uniform draw below min(cap, base·2^(failures-1)), never below
 * the floor. A Retry-After from the exchange is a lower bound: waiting less would extend a ban.
 * It is never a replacement: an endpoint that keeps answering "Retry-After: 0" still backs off.
 */
export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number, retryAfterMs: number | null = null): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jittered = Math.max(policy.floorMs, random() * ceiling);
  if (retryAfterMs === null) return jittered;
  // A little spread on top of the exchange's deadline, so parallel loops do not return in lockstep.
  return Math.max(jittered, retryAfterMs + random() * Math.min(policy.baseMs, policy.capMs));
}

/** A Retry-After header (delta seconds or an HTTP date) as milliseconds from `now`, or null. */
export function parseRetryAfter(value: unknown, now: number): number | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const text = String(value).trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const date = Date.parse(text);
  if (!Number.isFinite(date)) return null;
  return Math.max(0, date - now);
}
