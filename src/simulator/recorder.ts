/**
 * What the simulator saw, for tests and benchmarks: every send request with its arrival time and
 * outcome, and per phone number the counts, the busiest sliding second and every Meta limit it had
 * to enforce — so a test can prove our own limiter never let Meta's trigger.
 */
import { SlidingSecondWindow } from './rate-limits.js';
import { recipientKey } from './recipients.js';

export type RequestOutcome = 'accepted' | 'rejected' | 'faulted';

export interface ReceivedRequest {
  /** Arrival time, ms since the epoch (the simulator's clock). */
  readonly at: number;
  readonly phoneNumberId: string;
  /** wa_id when `to` parsed, else the raw `to` (or null). */
  readonly recipient: string | null;
  readonly type: string | null;
  readonly template: string | null;
  /**
   * accepted: Meta took the message (even if a fault then hid the answer);
   * rejected: answered with a Meta error by the simulated rules;
   * faulted: an injected fault answered instead of Meta's rules.
   */
  readonly outcome: RequestOutcome;
  readonly code: number | null;
  /** What the client saw; null when no answer was given (reset, hang). */
  readonly httpStatus: number | null;
  readonly wamid: string | null;
  readonly fault: string | null;
}

export interface PhoneNumberStats {
  received: number;
  accepted: number;
  rejected: number;
  faulted: number;
  /** Meta error codes answered (rules and injected faults), by code. */
  errorsByCode: Record<string, number>;
  /** Limits the simulator had to enforce: 130429 (throughput) and 131056 (pair rate). */
  limitsEnforced: { throughput: number; pair: number };
  /** Highest number of accepted sends in any sliding 1-second window. */
  maxAcceptedInAnySecond: number;
  /** Same, counting every request that reached the endpoint. */
  maxReceivedInAnySecond: number;
  firstAt: number | null;
  lastAt: number | null;
}

interface PhoneCounters {
  stats: PhoneNumberStats;
  acceptedWindow: SlidingSecondWindow;
  receivedWindow: SlidingSecondWindow;
}

export interface RequestFilter {
  phoneNumberId?: string;
  recipient?: string;
  outcome?: RequestOutcome;
  since?: number;
}

export class Recorder {
  private readonly requests: ReceivedRequest[] = [];
  private readonly perPhone = new Map<string, PhoneCounters>();
  /** True once more requests arrived than `maxRecords`; counters stay exact, the list stops growing. */
  truncated = false;

  constructor(private readonly maxRecords: number) {}

  record(request: ReceivedRequest): void {
    if (this.requests.length < this.maxRecords) this.requests.push(request);
    else this.truncated = true;

    const counters = this.countersOf(request.phoneNumberId);
    const stats = counters.stats;
    stats.received += 1;
    stats[request.outcome] += 1;
    stats.firstAt ??= request.at;
    stats.lastAt = request.at;
    counters.receivedWindow.record(request.at);
    stats.maxReceivedInAnySecond = counters.receivedWindow.maxInAnyWindow;
    if (request.outcome === 'accepted') {
      counters.acceptedWindow.record(request.at);
      stats.maxAcceptedInAnySecond = counters.acceptedWindow.maxInAnyWindow;
    }
    if (request.code !== null) {
      stats.errorsByCode[request.code] = (stats.errorsByCode[request.code] ?? 0) + 1;
      if (request.outcome === 'rejected' && request.code === 130429) stats.limitsEnforced.throughput += 1;
      if (request.outcome === 'rejected' && request.code === 131056) stats.limitsEnforced.pair += 1;
    }
  }

  list(filter: RequestFilter = {}): ReceivedRequest[] {
    const recipient = filter.recipient === undefined ? undefined : recipientKey(filter.recipient);
    return this.requests.filter(
      (request) =>
        (filter.phoneNumberId === undefined || request.phoneNumberId === filter.phoneNumberId) &&
        (recipient === undefined || request.recipient === recipient) &&
        (filter.outcome === undefined || request.outcome === filter.outcome) &&
        (filter.since === undefined || request.at >= filter.since),
    );
  }

  phoneStats(): Record<string, PhoneNumberStats> {
    const result: Record<string, PhoneNumberStats> = {};
    for (const [id, counters] of this.perPhone) result[id] = structuredClone(counters.stats);
    return result;
  }

  clear(): void {
    this.requests.length = 0;
    this.perPhone.clear();
    this.truncated = false;
  }

  private countersOf(phoneNumberId: string): PhoneCounters {
    let counters = this.perPhone.get(phoneNumberId);
    if (!counters) {
      counters = {
        stats: {
          received: 0,
          accepted: 0,
          rejected: 0,
          faulted: 0,
          errorsByCode: {},
          limitsEnforced: { throughput: 0, pair: 0 },
          maxAcceptedInAnySecond: 0,
          maxReceivedInAnySecond: 0,
          firstAt: null,
          lastAt: null,
        },
        acceptedWindow: new SlidingSecondWindow(),
        receivedWindow: new SlidingSecondWindow(),
      };
      this.perPhone.set(phoneNumberId, counters);
    }
    return counters;
  }
}
