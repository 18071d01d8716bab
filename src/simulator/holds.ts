/**
 * Answers the simulator deliberately delays (latency, late or never-answered sends). Kept in one
 * place so close() can let them all go at once instead of waiting out a "never".
 */
export type HoldEnd = 'elapsed' | 'released';

export class Holds {
  private readonly releases = new Set<() => void>();

  /** Waits `ms` (forever when undefined) or until releaseAll(). */
  hold(ms?: number): Promise<HoldEnd> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const release = () => {
        if (timer) clearTimeout(timer);
        this.releases.delete(release);
        resolve('released');
      };
      if (ms !== undefined) {
        timer = setTimeout(() => {
          this.releases.delete(release);
          resolve('elapsed');
        }, ms);
      }
      this.releases.add(release);
    });
  }

  get count(): number {
    return this.releases.size;
  }

  releaseAll(): void {
    for (const release of [...this.releases]) release();
  }
}
