/**
 * The two send limits Meta enforces per business phone number, in O(1) per request:
 * messages per second (130429) and the per-recipient pair rate (131056). See meta-cloud-api.md §3.1–3.2.
 */

/**
 * Timestamps of events in the last second, as a growable ring. Answers "how many in the sliding
 * window ending now" and remembers the highest count ever seen — the figure a test compares with
 * the number's mps to prove our own limiter kept under Meta's.
 */
export class SlidingSecondWindow {
  private times: number[] = new Array(64);
  private head = 0;
  private size = 0;
  private highest = 0;

  constructor(private readonly windowMs = 1000) {}

  /** Events inside (now - window, now]. */
  countAt(now: number): number {
    this.evict(now);
    return this.size;
  }

  record(now: number): void {
    this.evict(now);
    if (this.size === this.times.length) this.grow();
    this.times[(this.head + this.size) % this.times.length] = now;
    this.size += 1;
    if (this.size > this.highest) this.highest = this.size;
  }

  get maxInAnyWindow(): number {
    return this.highest;
  }

  /** Forget the high-water mark but keep the events that still count toward the limit. */
  resetMax(): void {
    this.highest = this.size;
  }

  private evict(now: number): void {
    const oldestAllowed = now - this.windowMs;
    while (this.size > 0 && this.times[this.head] <= oldestAllowed) {
      this.head = (this.head + 1) % this.times.length;
      this.size -= 1;
    }
  }

  private grow(): void {
    const next = new Array<number>(this.times.length * 2);
    for (let i = 0; i < this.size; i += 1) next[i] = this.times[(this.head + i) % this.times.length];
    this.times = next;
    this.head = 0;
  }
}

export interface PairRate {
  /** Messages allowed back to back. Meta: 45. */
  readonly burst: number;
  /** One message of quota comes back every this many ms. Meta: 6,000. */
  readonly refillIntervalMs: number;
}

/**
 * Meta's pair limit as a GCRA (a token bucket kept as one number per pair): a burst borrows against
 * future quota, so after 20 quick messages the pair needs about 20 × 6 s before it is back to full —
 * the "wait about 2 minutes" Meta describes.
 */
export class PairRateLimiter {
  /** Theoretical arrival time per pair key: when the pair's quota is fully restored. */
  private readonly restoredAt = new Map<string, number>();

  tryTake(key: string, now: number, rate: PairRate): boolean {
    const current = Math.max(this.restoredAt.get(key) ?? now, now);
    const next = current + rate.refillIntervalMs;
    if (next - now > rate.burst * rate.refillIntervalMs) return false;
    this.restoredAt.set(key, next);
    return true;
  }

  /** Drops pairs whose quota is full again; called now and then to bound memory. */
  sweep(now: number): void {
    for (const [key, restoredAt] of this.restoredAt) {
      if (restoredAt <= now) this.restoredAt.delete(key);
    }
  }

  clear(): void {
    this.restoredAt.clear();
  }

  get size(): number {
    return this.restoredAt.size;
  }
}
