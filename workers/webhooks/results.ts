/** What processing one webhook update came to, and the per-delivery tally of it. */

/**
 * applied: something changed. unchanged: a duplicate, replay or late arrival with nothing left to
 * change. unhandled: a field, status or shape we keep but do not act on. unknown: it names a
 * message or number we have not recorded (yet) — retried briefly, then orphaned.
 */
export type Outcome = 'applied' | 'unchanged' | 'unhandled' | 'unknown';

export interface UpdateResult {
  key: string;
  field: string;
  outcome: Outcome;
}

export interface Summary {
  applied: number;
  unchanged: number;
  unhandled: number;
  orphaned: number;
}

export const emptySummary = (): Summary => ({ applied: 0, unchanged: 0, unhandled: 0, orphaned: 0 });

/** Adds settled results to a summary; `unknown` counts as orphaned only when `final`. */
export function tally(summary: Summary, results: UpdateResult[], final: boolean): Summary {
  const next = { ...summary };
  for (const { outcome } of results) {
    if (outcome === 'unknown') {
      if (final) next.orphaned++;
    } else {
      next[outcome]++;
    }
  }
  return next;
}

/** The event's status once processing is over. */
export function finalStatus(summary: Summary): 'processed' | 'unhandled' | 'orphaned' {
  if (summary.orphaned > 0) return 'orphaned';
  if (summary.applied + summary.unchanged === 0 && summary.unhandled > 0) return 'unhandled';
  return 'processed';
}
