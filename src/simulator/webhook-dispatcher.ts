/**
 * Posts webhooks the way Meta does: updates collected for a short interval and batched per
 * callback, serialised with escaped unicode, signed with the app secret over the exact bytes,
 * posted concurrently, and retried with growing delays when the answer is not 200.
 */
import type { Logger } from 'pino';
import { Agent, request } from 'undici';
import type { IdleTracker } from './idle-tracker.js';
import { signatureSha1, signatureSha256, toMetaJson } from './meta-json.js';
import type { Random } from './random.js';
import { buildEnvelope, type WebhookUpdate } from './webhook-payloads.js';
import type { WebhookSettings } from './webhook-settings.js';

export interface WebhookTarget {
  readonly appId: string;
  readonly url: string;
  readonly secret: string;
}

export interface WebhookDeliveryRecord {
  readonly at: number;
  readonly appId: string;
  readonly url: string;
  /** 1 for the first POST of a batch, 2 for its first retry, … */
  readonly attempt: number;
  readonly updates: number;
  readonly bytes: number;
  /** HTTP status answered, or null when the request failed (refused, reset, timeout). */
  readonly status: number | null;
  readonly error: string | null;
  /** The exact body posted. */
  readonly body: string;
}

export interface WebhookStats {
  /** Updates handed to a callback (duplicates included). */
  updatesQueued: number;
  /** Updates inside POSTs answered 200. */
  updatesDelivered: number;
  /** Updates given up on after the last retry. */
  updatesAbandoned: number;
  /** Updates produced for a WABA with no subscribed app that has a callback URL: Meta sends nothing. */
  updatesWithoutSubscriber: number;
  postsAttempted: number;
  postsSucceeded: number;
  postsFailed: number;
  postsAbandoned: number;
  /** Units of work not finished yet (scheduled statuses, buffered updates, POSTs in flight or waiting). */
  pending: number;
}

interface Batch {
  readonly target: WebhookTarget;
  updates: WebhookUpdate[];
  timer: NodeJS.Timeout | null;
}

const DELIVERY_LOG_SIZE = 200;

export class WebhookDispatcher {
  private readonly batches = new Map<string, Batch>();
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly agent = new Agent({ connections: 32, keepAliveTimeout: 4000 });
  private readonly log: WebhookDeliveryRecord[] = [];
  private inFlight = 0;
  private readonly slotWaiters: Array<() => void> = [];
  private closed = false;
  private counters = WebhookDispatcher.zeroStats();

  constructor(
    private readonly deps: {
      readonly settings: () => WebhookSettings;
      readonly logger: Logger;
      readonly random: Random;
      readonly idle: IdleTracker;
      readonly now: () => number;
    },
  ) {}

  private static zeroStats(): Omit<WebhookStats, 'pending'> {
    return {
      updatesQueued: 0,
      updatesDelivered: 0,
      updatesAbandoned: 0,
      updatesWithoutSubscriber: 0,
      postsAttempted: 0,
      postsSucceeded: 0,
      postsFailed: 0,
      postsAbandoned: 0,
    };
  }

  /** Queues one update for each target; an update with no target is counted and dropped, as Meta would. */
  send(targets: readonly WebhookTarget[], update: WebhookUpdate): void {
    if (this.closed) return;
    if (targets.length === 0) {
      this.counters.updatesWithoutSubscriber += 1;
      return;
    }
    const settings = this.deps.settings();
    for (const target of targets) {
      this.enqueue(target, update);
      if (settings.duplicateFraction > 0 && this.deps.random() < settings.duplicateFraction) {
        // The copy goes out in a later POST, like a retry or a second delivery path would.
        this.deps.idle.add();
        this.later(settings.flushIntervalMs * 2 + 1, () => {
          this.enqueue(target, update);
          this.deps.idle.done();
        });
      }
    }
  }

  /** Posts every collected update now instead of waiting for the flush interval. */
  flushAll(): void {
    for (const key of [...this.batches.keys()]) this.flush(key);
  }

  stats(): WebhookStats {
    return { ...this.counters, pending: this.deps.idle.count };
  }

  deliveries(): WebhookDeliveryRecord[] {
    return [...this.log];
  }

  resetStats(): void {
    this.counters = WebhookDispatcher.zeroStats();
    this.log.length = 0;
  }

  /** Forgets buffered updates and pending retries (POSTs already on the wire finish on their own). */
  dropPending(): void {
    for (const batch of this.batches.values()) if (batch.timer) clearTimeout(batch.timer);
    this.batches.clear();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.dropPending();
    for (const wake of this.slotWaiters.splice(0)) wake();
    await this.agent.destroy();
  }

  private enqueue(target: WebhookTarget, update: WebhookUpdate): void {
    if (this.closed) return;
    const settings = this.deps.settings();
    const key = `${target.appId}|${target.url}|${target.secret}`;
    let batch = this.batches.get(key);
    if (!batch) {
      batch = { target, updates: [], timer: null };
      this.batches.set(key, batch);
    }
    batch.updates.push(update);
    this.counters.updatesQueued += 1;
    this.deps.idle.add();
    if (batch.updates.length >= settings.batchSize) {
      this.flush(key);
    } else if (!batch.timer) {
      batch.timer = setTimeout(() => this.flush(key), settings.flushIntervalMs);
      batch.timer.unref();
    }
  }

  private flush(key: string): void {
    const batch = this.batches.get(key);
    if (!batch) return;
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = null;
    const settings = this.deps.settings();
    while (batch.updates.length > 0) {
      const updates = batch.updates.splice(0, settings.batchSize);
      if (settings.reorderFraction > 0) this.shuffle(updates);
      const body = toMetaJson(buildEnvelope(updates));
      void this.post(batch.target, Buffer.from(body), body, updates.length, 1);
    }
    this.batches.delete(key);
  }

  private async post(target: WebhookTarget, bytes: Buffer, body: string, updates: number, attempt: number): Promise<void> {
    const settings = this.deps.settings();
    await this.acquireSlot(settings.maxConcurrentPosts);
    if (this.closed) {
      this.deps.idle.done(updates);
      return;
    }
    let status: number | null = null;
    let error: string | null = null;
    this.counters.postsAttempted += 1;
    try {
      const response = await request(target.url, {
        method: 'POST',
        body: bytes,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature': signatureSha1(bytes, target.secret),
          'x-hub-signature-256': signatureSha256(bytes, target.secret),
        },
        dispatcher: this.agent,
        headersTimeout: settings.timeoutMs,
        bodyTimeout: settings.timeoutMs,
      });
      status = response.statusCode;
      await response.body.dump();
    } catch (caught) {
      error = (caught as Error).message;
    } finally {
      this.releaseSlot();
    }
    this.remember({ at: this.deps.now(), appId: target.appId, url: target.url, attempt, updates, bytes: bytes.length, status, error, body });

    if (status === 200) {
      this.counters.postsSucceeded += 1;
      this.counters.updatesDelivered += updates;
      this.deps.idle.done(updates);
      return;
    }
    this.counters.postsFailed += 1;
    const delay = settings.retryDelaysMs[attempt - 1];
    if (delay === undefined || this.closed) {
      this.counters.postsAbandoned += 1;
      this.counters.updatesAbandoned += updates;
      this.deps.logger.warn({ url: target.url, attempt, status, error }, 'webhook abandoned after its last retry');
      this.deps.idle.done(updates);
      return;
    }
    this.deps.logger.debug({ url: target.url, attempt, status, error, retryInMs: delay }, 'webhook not answered 200; will retry');
    this.later(delay, () => void this.post(target, bytes, body, updates, attempt + 1));
  }

  private later(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      run();
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private remember(record: WebhookDeliveryRecord): void {
    this.log.push(record);
    if (this.log.length > DELIVERY_LOG_SIZE) this.log.shift();
  }

  private async acquireSlot(max: number): Promise<void> {
    while (this.inFlight >= max && !this.closed) {
      await new Promise<void>((resolve) => this.slotWaiters.push(resolve));
    }
    this.inFlight += 1;
  }

  private releaseSlot(): void {
    this.inFlight -= 1;
    this.slotWaiters.shift()?.();
  }

  private shuffle(items: WebhookUpdate[]): void {
    for (let i = items.length - 1; i > 0; i -= 1) {
      const j = Math.floor(this.deps.random() * (i + 1));
      [items[i], items[j]] = [items[j], items[i]];
    }
  }
}
