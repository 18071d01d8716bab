/**
 * When a failed delivery is tried again (contract §3): exponential backoff with jitter, the first
 * retry within 30 seconds, then doubling up to six hours between attempts, for three days; after
 * that the delivery is marked failed. Injectable, so tests can watch a whole schedule in seconds.
 */
export interface RetryPolicy {
  /** Delay before the first retry (jittered by ±25%). */
  firstDelayMs: number;
  /** Longest delay between two attempts. */
  maxDelayMs: number;
  /** How long after the event was created it is still tried. */
  giveUpAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  firstDelayMs: 15_000,
  maxDelayMs: 6 * 3600_000,
  giveUpAfterMs: 3 * 24 * 3600_000,
});

/** Delay after the `failures`-th failed attempt (1 = the first attempt failed). */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

/** When to try again after `failures` failed attempts, or null when the delivery should be given up. */
export function nextAttemptAt(createdAt: Date, now: Date, failures: number, policy: RetryPolicy, random?: () => number): Date | null {
  const next = now.getTime() + retryDelayMs(failures, policy, random);
  return next > createdAt.getTime() + policy.giveUpAfterMs ? null : new Date(next);
}
