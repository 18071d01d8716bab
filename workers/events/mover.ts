/**
 * The mover: hands due deliveries from MongoDB to the `outbound-events` queue, endpoint by
 * endpoint, in bounded batches. Redis therefore holds only what is about to be attempted: at most
 * `perEndpoint` deliveries of a healthy endpoint, one of a failing endpoint (its consecutive
 * failures say so), and `maxQueued` in all. A dead endpoint with a million pending deliveries
 * costs one indexed count per round and one worker slot — never Redis memory, never the send path.
 * Endpoints with work are found by their `nextDueAt` hint (due-hint.ts). Any number of worker
 * processes may run it: a per-endpoint lock makes each endpoint's moves single-threaded.
 */
import type { Types } from 'mongoose';
import type { Deps } from '../../src/deps.js';
import { withRedisLock } from '../../src/lib/redis-lock.js';
import { QUEUE } from '../../src/queues/names.js';
import type { RetryPolicy } from '../../src/modules/events/retry-policy.js';
import { createDeliveryHousekeeping } from './housekeeping.js';

export interface MoverOptions {
  tickMs?: number;
  /** Deliveries of one healthy endpoint in the queue at once. */
  perEndpoint?: number;
  /** Deliveries in the queue at once, all endpoints together. */
  maxQueued?: number;
  /** Failures in a row after which an endpoint gets one delivery at a time. */
  failingAfter?: number;
  housekeepingEveryMs?: number;
  retry: RetryPolicy;
}

export interface EventMover {
  round(): Promise<number>;
  /** Asks for a round soon (new deliveries, or a finished one freed room). */
  nudge(): void;
  stop(): Promise<void>;
}

const TICK_MS = 500;
const PER_ENDPOINT = 20;
const MAX_QUEUED = 2_000;
const FAILING_AFTER = 3;
const ENDPOINTS_PER_ROUND = 200;
const LOCK_MS = 10_000;
const HOUSEKEEPING_EVERY_MS = 30_000;

interface DueEndpoint {
  _id: Types.ObjectId;
  consecutiveFailures?: number;
  dueVersion?: number;
}

export function startEventMover(deps: Deps, options: MoverOptions): EventMover {
  const { WebhookEndpoint, EventDelivery } = deps.models;
  const queue = deps.queues[QUEUE.outboundEvents];
  const perEndpoint = options.perEndpoint ?? PER_ENDPOINT;
  const maxQueued = options.maxQueued ?? MAX_QUEUED;
  const failingAfter = options.failingAfter ?? FAILING_AFTER;
  const housekeeping = createDeliveryHousekeeping(deps, options.retry);
  let stopped = false;
  let running: Promise<unknown> | undefined;
  let again = false;
  let timer: NodeJS.Timeout | undefined;
  let lastHousekeeping = 0;

  async function queuedInRedis(): Promise<number> {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
    return Object.values(counts).reduce((sum, count) => sum + count, 0);
  }

  /** After a batch: the hint becomes the next pending delivery's time, unless new work arrived meanwhile. */
  async function refreshHint(endpoint: DueEndpoint) {
    const next = await EventDelivery.findOne({ endpointId: endpoint._id, status: 'pending' }, { nextAttemptAt: 1 }).sort({ nextAttemptAt: 1 }).lean();
    await WebhookEndpoint.updateOne(
      { _id: endpoint._id, dueVersion: endpoint.dueVersion ?? 0 },
      next?.nextAttemptAt ? { $set: { nextDueAt: next.nextAttemptAt } } : { $unset: { nextDueAt: 1 } },
    );
  }

  async function moveFor(endpoint: DueEndpoint, globalRoom: number, now: Date): Promise<number> {
    const cap = (endpoint.consecutiveFailures ?? 0) >= failingAfter ? 1 : perEndpoint;
    const inFlight = await EventDelivery.countDocuments({ endpointId: endpoint._id, status: 'queued' });
    const room = Math.min(cap - inFlight, globalRoom);
    if (room <= 0) return 0;
    const due = await EventDelivery.find({ endpointId: endpoint._id, status: 'pending', nextAttemptAt: { $lte: now } }, { _id: 1, attempts: 1 })
      .sort({ nextAttemptAt: 1 }).limit(room).lean();
    if (due.length > 0) {
      const ids = due.map((delivery) => delivery._id);
      await EventDelivery.updateMany({ _id: { $in: ids }, status: 'pending' }, { $set: { status: 'queued', queuedAt: now } });
      try {
        await queue.addBulk(due.map((delivery) => ({
          name: 'deliver',
          data: { deliveryId: String(delivery._id) },
          opts: { jobId: `${delivery._id}-${delivery.attempts}`, removeOnComplete: true, removeOnFail: true },
        })));
      } catch (error) {
        // Redis refused: back to pending, so nothing waits for a job that does not exist.
        await EventDelivery.updateMany({ _id: { $in: ids }, status: 'queued', queuedAt: now }, { $set: { status: 'pending' }, $unset: { queuedAt: 1 } });
        throw error;
      }
    }
    if (due.length < room) await refreshHint(endpoint);
    return due.length;
  }

  async function round(): Promise<number> {
    const now = new Date();
    const housekeepingEveryMs = options.housekeepingEveryMs ?? HOUSEKEEPING_EVERY_MS;
    if (now.getTime() - lastHousekeeping >= housekeepingEveryMs) {
      lastHousekeeping = now.getTime();
      // One process per period does it; the others skip.
      const lock = await deps.redis.set(`${deps.keyPrefix}:events:housekeeping-lock`, String(process.pid), 'PX', Math.max(1_000, housekeepingEveryMs - 500), 'NX');
      if (lock === 'OK') await housekeeping.run();
    }
    const endpoints = await WebhookEndpoint.find({ nextDueAt: { $lte: now } }, { _id: 1, consecutiveFailures: 1, dueVersion: 1 })
      .sort({ nextDueAt: 1 }).limit(ENDPOINTS_PER_ROUND).lean<DueEndpoint[]>();
    if (endpoints.length === 0) return 0;
    let room = maxQueued - (await queuedInRedis());
    let moved = 0;
    for (const endpoint of endpoints) {
      if (room <= 0 || stopped) break;
      try {
        const count = await withRedisLock(deps.redis, `${deps.keyPrefix}:events:move-lock:${endpoint._id}`, LOCK_MS, () => moveFor(endpoint, room, now), 0);
        moved += count;
        room -= count;
      } catch (error) {
        deps.log.warn({ err: error, endpointId: String(endpoint._id) }, 'could not move event deliveries; retrying next round');
      }
    }
    return moved;
  }

  function schedule(delayMs: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(loop, delayMs);
  }

  async function loop() {
    timer = undefined;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = round().catch((error) => deps.log.warn({ err: error }, 'event mover round failed'));
    await running;
    running = undefined;
    schedule(again ? 0 : options.tickMs ?? TICK_MS);
  }
  schedule(0);

  return {
    round,
    nudge() {
      if (stopped) return;
      if (running) again = true;
      else if (timer) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
