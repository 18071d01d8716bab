/** The retry schedule: first retry within 30 s, doubling up to 6 h, given up after 3 days. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, nextAttemptAt, retryDelayMs } from '../../../src/modules/events/retry-policy.js';

describe('retry policy', () => {
  it('waits 15 s ± 25% before the first retry (always within 30 s), then doubles, capped at 6 hours', () => {
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 0)).toBe(11_250);
    expect(retryDelayMs(1, DEFAULT_RETRY_POLICY, () => 0.999999)).toBeLessThan(30_000);
    expect(retryDelayMs(2, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(30_000);
    expect(retryDelayMs(5, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(240_000);
    expect(retryDelayMs(30, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(6 * 3600_000);
  });

  it('keeps retrying for three days, then gives up', () => {
    const created = new Date('2026-03-01T00:00:00Z');
    let now = created;
    let failures = 0;
    for (;;) {
      failures++;
      const next = nextAttemptAt(created, now, failures, DEFAULT_RETRY_POLICY, () => 0.5);
      if (!next) break;
      now = next;
    }
    const lastAttemptHours = (now.getTime() - created.getTime()) / 3600_000;
    expect(lastAttemptHours).toBeGreaterThan(66);
    expect(lastAttemptHours).toBeLessThanOrEqual(72);
    expect(failures).toBeGreaterThan(15);
    expect(failures).toBeLessThan(30);
  });
});
