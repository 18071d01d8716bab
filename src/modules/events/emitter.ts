/**
 * Emission of outbound events: called wherever something a client may care about changes (a
 * message's status, a campaign's, a credential's, an opt-out, an inbound message). It must cost
 * next to nothing on those paths, so:
 * - a client's endpoints are cached for a few seconds; a client with none costs a cache lookup;
 * - `emit` never waits and never throws: deliveries are buffered and written in batches a few
 *   milliseconds later (one insert for many events), then the endpoints are marked due;
 * - nothing goes to Redis here: the mover (workers/events/mover.ts) hands over what is due.
 * One emitter per set of models (per process and connection), so every caller shares the buffer.
 */
import { Types } from 'mongoose';
import type { Models } from '../../db/models.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import type { Logger } from '../../logger.js';
import { markEndpointsDue } from './due-hint.js';
import type { EventDataByType, EventEnvelope } from './event-types.js';

export type EventModels = Pick<Models, 'WebhookEndpoint' | 'EventDelivery'>;
type EventName = keyof EventDataByType;

/** New and deleted endpoints are seen by other processes within this long. */
export const ENDPOINT_CACHE_MS = 5_000;
const FLUSH_AFTER_MS = 10;
const FLUSH_AT = 500;
/** Beyond this many unwritten deliveries (MongoDB down for long), the oldest are dropped and logged. */
const MAX_BUFFERED = 100_000;
const WRITE_RETRY_MS = 1_000;

interface Subscriber {
  _id: Types.ObjectId;
  events: string[];
}

interface PendingDelivery {
  _id: Types.ObjectId;
  clientId: Types.ObjectId;
  endpointId: Types.ObjectId;
  eventId: string;
  type: string;
  body: string;
  status: 'pending';
  attempts: 0;
  nextAttemptAt: Date;
  answers: [];
  createdAt: Date;
  updatedAt: Date;
}

export interface OutboundEvents {
  /** Queues `type` for every endpoint of the client subscribed to it. `data` is built only if one is. */
  emit<T extends EventName>(clientId: unknown, type: T, data: () => EventDataByType[T]): void;
  /** Writes one event for one endpoint now, whatever it subscribes to (the test event). */
  deliverNow<T extends EventName>(clientId: string, endpointId: string, type: T, data: EventDataByType[T]): Promise<{ eventId: string; deliveryId: string }>;
  /** Writes everything buffered; call before shutting down. */
  flush(): Promise<void>;
  /**
   * Resolves once every event emitted before the call is written (or, if MongoDB refused the
   * write, kept for its retry). A job awaits it before it counts as done, so a process that dies
   * right after finishing a job does not take that job's events with it.
   */
  stored(): Promise<void>;
  /** Drops the cached endpoints of a client (after one is created or deleted here). */
  forgetClient(clientId: string): void;
  /** Called after deliveries were written, so a mover in this process can move them at once. */
  onPending(listener: () => void): () => void;
}

function onlyDuplicates(error: unknown): boolean {
  const errors = (error as { writeErrors?: Array<{ code?: number }> }).writeErrors ?? [error as { code?: number }];
  return errors.length > 0 && errors.every((entry) => entry.code === 11000);
}

export const newEventId = () => `evt_${new Types.ObjectId().toHexString()}`;

function envelope<T extends EventName>(eventId: string, type: T, createdAt: Date, data: EventDataByType[T]): string {
  const event: EventEnvelope<T> = { id: eventId, type, createdAt: createdAt.toISOString(), data };
  return JSON.stringify(event);
}

function pendingDelivery(clientId: Types.ObjectId, endpointId: Types.ObjectId, eventId: string, type: string, body: string, at: Date): PendingDelivery {
  return { _id: new Types.ObjectId(), clientId, endpointId, eventId, type, body, status: 'pending', attempts: 0, nextAttemptAt: at, answers: [], createdAt: at, updatedAt: at };
}

function createOutboundEvents(models: EventModels, logger: { current?: Logger }): OutboundEvents {
  const { WebhookEndpoint, EventDelivery } = models;
  const subscribers = new TtlCache<string, Subscriber[]>(ENDPOINT_CACHE_MS);
  const listeners = new Set<() => void>();
  let buffer: PendingDelivery[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** Emits still looking up their client's endpoints. */
  const emitting = new Set<Promise<void>>();

  const endpointsOf = (clientId: string) => subscribers.get(clientId, async () =>
    WebhookEndpoint.find({ clientId }, { _id: 1, events: 1 }).lean<Subscriber[]>());

  async function write(batch: PendingDelivery[]): Promise<void> {
    try {
      await EventDelivery.insertMany(batch, { ordered: false, lean: true });
    } catch (error) {
      // A retried batch may be partly stored already: those are refused as duplicates, the rest went in.
      if (!onlyDuplicates(error)) throw error;
    }
    const endpointIds = [...new Map(batch.map((delivery) => [String(delivery.endpointId), delivery.endpointId])).values()];
    await markEndpointsDue(models, endpointIds, batch[0].createdAt);
    for (const listener of listeners) listener();
  }

  function flushSoon(delayMs = FLUSH_AFTER_MS) {
    if (buffer.length >= FLUSH_AT) void flush();
    else timer ??= setTimeout(() => { void flush(); }, delayMs).unref();
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    writing = writing.then(async () => {
      const batch = buffer;
      buffer = [];
      if (batch.length === 0) return;
      try {
        await write(batch);
      } catch (error) {
        // Kept for another try; the ids are fixed, so what was stored already is not stored twice.
        buffer = [...batch, ...buffer].slice(-MAX_BUFFERED);
        logger.current?.warn({ err: error, pending: buffer.length }, 'could not store outbound events; retrying');
        flushSoon(WRITE_RETRY_MS);
      }
    });
    return writing;
  }

  return {
    emit(clientId, type, data) {
      if (!clientId) return;
      const client = String(clientId);
      const at = new Date();
      const emitted = endpointsOf(client).then((endpoints) => {
        const subscribed = endpoints.filter((endpoint) => endpoint.events.includes(type));
        if (subscribed.length === 0) return;
        const eventId = newEventId();
        const body = envelope(eventId, type, at, data());
        const owner = new Types.ObjectId(client);
        for (const endpoint of subscribed) buffer.push(pendingDelivery(owner, endpoint._id, eventId, type, body, at));
        flushSoon();
      }).catch((error: unknown) => { logger.current?.warn({ err: error, type }, 'could not emit an outbound event'); });
      emitting.add(emitted);
      void emitted.then(() => emitting.delete(emitted));
    },

    async stored() {
      if (emitting.size > 0) await Promise.all([...emitting]);
      await flush();
    },

    async deliverNow(clientId, endpointId, type, data) {
      const at = new Date();
      const eventId = newEventId();
      const delivery = pendingDelivery(new Types.ObjectId(clientId), new Types.ObjectId(endpointId), eventId, type, envelope(eventId, type, at, data), at);
      await write([delivery]);
      return { eventId, deliveryId: String(delivery._id) };
    },

    flush,
    forgetClient: (clientId) => subscribers.delete(clientId),
    onPending(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const registry = new WeakMap<object, { events: OutboundEvents; logger: { current?: Logger } }>();

/** The emitter of these models (one per process and connection). Pass `log` where one is at hand. */
export function outboundEvents(models: EventModels, log?: Logger): OutboundEvents {
  let entry = registry.get(models.EventDelivery);
  if (!entry) {
    const logger: { current?: Logger } = {};
    entry = { events: createOutboundEvents(models, logger), logger };
    registry.set(models.EventDelivery, entry);
  }
  if (log) entry.logger.current ??= log;
  return entry.events;
}
