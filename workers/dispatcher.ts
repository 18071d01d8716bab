/**
 * The dispatcher (invariant 8): releases queued messages from MongoDB to the send queue, per
 * sender, only as much as that sender can send in the next couple of seconds. Redis therefore
 * holds work in proportion to throughput, not to campaign size, and a sender's backlog never
 * sits in front of another sender's messages. Several worker processes may run it: a per-sender
 * lock in Redis makes each sender's release single-threaded. Single messages go before campaign
 * messages; running campaigns on one number share its capacity evenly. Queries take the index
 * order (roughly the order recipients were given) rather than sort, so each costs O(window).
 */
import type { Types } from 'mongoose';
import type { Deps } from '../src/deps.js';
import { QUEUE } from '../src/queues/names.js';
import { activeSenders, markSenderIdleIfUnchanged, senderGeneration } from '../src/sending/active-senders.js';
import { addInFlight, countInFlight } from '../src/sending/in-flight.js';
import { withRedisLock } from '../src/lib/redis-lock.js';
import { dispatchLockKey } from '../src/sending/keys.js';
import { createWindowGate } from '../src/sending/send-window-gate.js';
import { currentRate } from '../src/sending/pace.js';
import { baseRate } from '../src/sending/rate.js';

/** Seconds of sending each sender may have released at once. */
const WINDOW_SECONDS = 2;
const MIN_WINDOW = 5;
const TICK_MS = 200;
const LOCK_MS = 10_000;

export interface Dispatcher {
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export function startDispatcher(deps: Deps, options: { tickMs?: number; autoStart?: boolean } = {}): Dispatcher {
  const { Message, Campaign, Credential } = deps.models;
  const sendQueue = deps.queues[QUEUE.send];
  let stopped = false;
  let running: Promise<number> | undefined;
  let timer: NodeJS.Timeout | undefined;

  const due = () => ({ $or: [{ notBefore: null }, { notBefore: { $lte: new Date() } }] });
  // Single messages, and test sends of a campaign's template (they go whatever the campaign's state).
  const single = { $or: [{ campaignId: null }, { test: true }] };

  async function candidates(credentialId: Types.ObjectId, room: number) {
    const ids: Types.ObjectId[] = [];
    const singles = await Message.find(
      { credentialId, status: 'queued', releasedAt: null, $and: [single, due()] }, { _id: 1 },
    ).limit(room).lean();
    ids.push(...singles.map((doc) => doc._id));
    const campaigns = await Campaign.find({ credentialId, status: 'running' }, { _id: 1, sendWindow: 1 }).sort({ _id: 1 }).lean();
    let left = room - ids.length;
    for (let index = 0; index < campaigns.length && left > 0; index++) {
      // Messages outside their send window stay where they are (send-window-gate.ts).
      const gate = campaigns[index].sendWindow ? createWindowGate(Message, campaigns[index].sendWindow, new Date()) : undefined;
      if (gate?.closedForAll) continue;
      // An even share for each remaining campaign, so one large campaign cannot starve a small one.
      const share = Math.ceil(left / (campaigns.length - index));
      const batch = await Message.find(
        { campaignId: campaigns[index]._id, status: 'queued', releasedAt: null, test: { $ne: true }, ...due() }, { _id: 1, to: 1 },
      ).limit(share).lean();
      const ready = gate ? await gate.admit(batch) : batch;
      ids.push(...ready.map((doc) => doc._id));
      left -= ready.length;
    }
    return ids;
  }

  async function release(credentialId: string): Promise<number> {
    const credential = await Credential.findById(credentialId, { status: 1, phoneNumberId: 1, messagesPerSecond: 1, phone: 1 }).lean();
    const generation = await senderGeneration(deps.redis, deps.keyPrefix);
    if (!credential) {
      await markSenderIdleIfUnchanged(deps.redis, deps.keyPrefix, credentialId, generation);
      return 0;
    }
    if (credential.status !== 'connected') return 0;
    const rate = await currentRate(deps.redis, deps.keyPrefix, credential.phoneNumberId, baseRate(credential));
    const window = Math.max(MIN_WINDOW, Math.ceil(rate * WINDOW_SECONDS));
    const inFlight = await countInFlight(deps.redis, deps.keyPrefix, credentialId);
    const room = window - inFlight;
    if (room <= 0) return 0;
    const ids = await candidates(credential._id, room);
    if (ids.length === 0) {
      if (inFlight === 0 && !(await Message.exists({ credentialId: credential._id, status: 'queued' }))) {
        await markSenderIdleIfUnchanged(deps.redis, deps.keyPrefix, credentialId, generation);
      }
      return 0;
    }
    const releasedAt = new Date();
    await Message.updateMany({ _id: { $in: ids }, status: 'queued', releasedAt: null }, { $set: { releasedAt } });
    try {
      await sendQueue.addBulk(ids.map((id) => ({
        name: 'send',
        data: { messageId: String(id), credentialId },
        // Attempts are for the infrastructure (MongoDB or Redis away for a while); Meta's errors
        // are counted on the message itself (outcomes.ts).
        opts: { jobId: String(id), attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { age: 24 * 3600 } },
      })));
    } catch (error) {
      // Redis refused: hand them back so nothing waits for a job that does not exist.
      await Message.updateMany({ _id: { $in: ids }, status: 'queued', releasedAt }, { $unset: { releasedAt: 1 } });
      throw error;
    }
    await addInFlight(deps.redis, deps.keyPrefix, credentialId, ids.map(String));
    deps.metrics.released.inc(ids.length);
    return ids.length;
  }

  async function tick(): Promise<number> {
    let released = 0;
    for (const credentialId of await activeSenders(deps.redis, deps.keyPrefix)) {
      if (stopped) break;
      if (!/^[a-f0-9]{24}$/.test(credentialId)) continue;
      try {
        released += await withRedisLock(deps.redis, dispatchLockKey(deps.keyPrefix, credentialId), LOCK_MS, () => release(credentialId), 0);
      } catch (error) {
        deps.log.warn({ err: error, credentialId }, 'dispatch failed; retrying on the next tick');
      }
    }
    return released;
  }

  const loop = async () => {
    if (stopped) return;
    running = tick().catch((error) => {
      deps.log.warn({ err: error }, 'dispatcher tick failed');
      return 0;
    });
    await running;
    if (!stopped) timer = setTimeout(loop, options.tickMs ?? TICK_MS);
  };
  if (options.autoStart !== false) timer = setTimeout(loop, 0);

  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
