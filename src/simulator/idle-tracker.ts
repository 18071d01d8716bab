/**
 * Counts webhook work not yet finished (scheduled statuses, buffered updates, POSTs in flight or
 * waiting to retry) so tests can wait for "everything delivered" instead of sleeping.
 */
export class IdleTracker {
  private pending = 0;
  private waiters: Array<() => void> = [];

  get count(): number {
    return this.pending;
  }

  add(units = 1): void {
    this.pending += units;
  }

  done(units = 1): void {
    this.pending = Math.max(0, this.pending - units);
    if (this.pending === 0) this.wake();
  }

  /** Forget all pending work (after a reset or on close) and release every waiter. */
  clear(): void {
    this.pending = 0;
    this.wake();
  }

  /** Resolves true once nothing is pending, false if `timeoutMs` passes first. */
  wait(timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      this.waiters.push(waiter);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter();
  }
}
