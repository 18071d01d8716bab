/**
 * Many future events on one timer: a binary min-heap keyed by due time. Thousands of sends per
 * second each schedule three status webhooks; one setTimeout per status would cost far more.
 * The timer fires on a coarse grid (`resolutionMs`), so a steady stream of sends wakes the process
 * a hundred times a second at most, whatever the send rate.
 */
interface Entry<T> {
  due: number;
  seq: number;
  item: T;
}

export class TimerQueue<T> {
  private heap: Entry<T>[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private closed = false;

  /**
   * @param onDue receives every item whose time has come, in due order.
   * @param resolutionMs events are released up to this much late, in groups.
   */
  constructor(
    private readonly onDue: (item: T) => void,
    private readonly resolutionMs = 10,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(delayMs: number, item: T): void {
    if (this.closed) return;
    const due = performance.now() + Math.max(0, delayMs);
    this.push({ due, seq: this.seq++, item });
    const fireAt = Math.ceil(due / this.resolutionMs) * this.resolutionMs;
    if (fireAt < this.timerDue) this.arm(fireAt);
  }

  /** Removes everything without running it; returns the dropped items. */
  drain(): T[] {
    const items = this.heap.map((entry) => entry.item);
    this.heap = [];
    this.disarm();
    return items;
  }

  close(): T[] {
    this.closed = true;
    return this.drain();
  }

  private arm(due: number): void {
    this.disarm();
    this.timerDue = due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - performance.now()));
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerDue = Infinity;
  }

  private fire(): void {
    this.timer = null;
    this.timerDue = Infinity;
    // A little slack so events a fraction of a millisecond away go in this round, not another timer.
    const now = performance.now() + 1;
    while (this.heap.length > 0 && this.heap[0].due <= now) {
      const entry = this.pop();
      this.onDue(entry.item);
    }
    if (this.heap.length > 0) this.arm(Math.ceil(this.heap[0].due / this.resolutionMs) * this.resolutionMs);
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(entry: Entry<T>): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i], heap[parent])) break;
      [heap[i], heap[parent]] = [heap[parent], heap[i]];
      i = parent;
    }
  }

  private pop(): Entry<T> {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as Entry<T>;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < heap.length && this.less(heap[left], heap[smallest])) smallest = left;
        if (right < heap.length && this.less(heap[right], heap[smallest])) smallest = right;
        if (smallest === i) break;
        [heap[i], heap[smallest]] = [heap[smallest], heap[i]];
        i = smallest;
      }
    }
    return top;
  }
}
