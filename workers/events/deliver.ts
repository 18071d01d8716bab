/**
 * Delivers one event to one endpoint (a job of the `outbound-events` queue): signs the stored
 * body, posts it through the SSRF-guarded client, and records the answer. A 2xx is delivered;
 * anything else goes back to `pending` with its next attempt on the retry schedule, or `failed`
 * once the schedule is over. The endpoint's health follows: failures in a row make the mover
 * send it one delivery at a time, a success opens it up again.
 */
import type { Deps } from '../../src/deps.js';
import { TtlCache } from '../../src/lib/ttl-cache.js';
import { markEndpointsDue } from '../../src/modules/events/due-hint.js';
import type { DeliveryAnswer, DeliveryHttp } from '../../src/modules/events/http-delivery.js';
import { nextAttemptAt, type RetryPolicy } from '../../src/modules/events/retry-policy.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signatureHeader } from '../../src/modules/events/signature.js';

/** Answers kept per delivery (the newest). */
const ANSWERS_KEPT = 20;
/** How stale the endpoint (URL, secret, health) a worker uses may be. */
const ENDPOINT_CACHE_MS = 5_000;
/** A healthy endpoint's `lastDeliveredAt` is refreshed at most this often, not on every delivery. */
const HEALTH_WRITE_EVERY_MS = 10_000;

export interface DelivererOptions {
  http: DeliveryHttp;
  retry: RetryPolicy;
  /** Called after each attempt is recorded (the mover in this process may move more at once). */
  onSettled?: () => void;
}

interface LoadedEndpoint {
  url: string;
  secret: string;
  consecutiveFailures: number;
  lastDeliveredAt: number;
}

/** What is kept of an answer: status, the first 1 kB, and what went wrong. */
const answerRecord = (answer: DeliveryAnswer, at: Date, error?: string) =>
  ({ at, durationMs: answer.durationMs, statusCode: answer.statusCode, body: answer.body, error });

const isSuccess = (answer: DeliveryAnswer) => answer.statusCode !== undefined && answer.statusCode >= 200 && answer.statusCode < 300;

function failureOf(answer: DeliveryAnswer): string {
  if (answer.error) return answer.error;
  if (answer.location !== undefined) return `HTTP ${answer.statusCode}: a redirect${answer.location ? ` to ${answer.location}` : ''}, which is not followed`;
  return `HTTP ${answer.statusCode}: only a 2xx answer counts as delivered`;
}

export function createEventDeliverer(deps: Deps, options: DelivererOptions) {
  const { EventDelivery, WebhookEndpoint } = deps.models;
  const endpoints = new TtlCache<string, LoadedEndpoint | null>(ENDPOINT_CACHE_MS);

  const loadEndpoint = (id: string) => endpoints.get(id, async () => {
    const doc = await WebhookEndpoint.findById(id).select('+secret').lean();
    if (!doc) return null;
    return { url: doc.url, secret: deps.keyRing.open(doc.secret), consecutiveFailures: doc.consecutiveFailures ?? 0, lastDeliveredAt: doc.lastDeliveredAt?.getTime() ?? 0 };
  });

  async function recordSuccess(delivery: { _id: unknown; endpointId: unknown }, endpoint: LoadedEndpoint, answer: DeliveryAnswer, at: Date) {
    await EventDelivery.updateOne({ _id: delivery._id, status: 'queued' }, {
      $set: { status: 'delivered', deliveredAt: at },
      $unset: { nextAttemptAt: 1, queuedAt: 1 },
      $inc: { attempts: 1 },
      $push: { answers: { $each: [answerRecord(answer, at)], $slice: -ANSWERS_KEPT } },
    });
    if (endpoint.consecutiveFailures > 0 || at.getTime() - endpoint.lastDeliveredAt > HEALTH_WRITE_EVERY_MS) {
      endpoint.consecutiveFailures = 0;
      endpoint.lastDeliveredAt = at.getTime();
      await WebhookEndpoint.updateOne({ _id: delivery.endpointId }, { $set: { consecutiveFailures: 0, lastDeliveredAt: at } });
    }
  }

  async function recordFailure(delivery: { _id: unknown; endpointId: unknown; attempts: number; createdAt: Date }, endpoint: LoadedEndpoint, answer: DeliveryAnswer, at: Date) {
    const error = failureOf(answer);
    const next = nextAttemptAt(delivery.createdAt, at, delivery.attempts + 1, options.retry);
    await EventDelivery.updateOne({ _id: delivery._id, status: 'queued' }, {
      $set: next ? { status: 'pending', nextAttemptAt: next } : { status: 'failed', failedAt: at },
      $unset: next ? { queuedAt: 1 } : { queuedAt: 1, nextAttemptAt: 1 },
      $inc: { attempts: 1 },
      $push: { answers: { $each: [answerRecord(answer, at, error)], $slice: -ANSWERS_KEPT } },
    });
    endpoint.consecutiveFailures += 1;
    await WebhookEndpoint.updateOne({ _id: delivery.endpointId }, { $inc: { consecutiveFailures: 1 }, $set: { lastFailedAt: at, lastError: error } });
    if (next) await markEndpointsDue(deps.models, [delivery.endpointId as string], next);
  }

  return {
    async deliver(deliveryId: string): Promise<string> {
      const delivery = await EventDelivery.findOne({ _id: deliveryId, status: 'queued' }).lean();
      if (!delivery) return 'gone';
      const endpoint = await loadEndpoint(String(delivery.endpointId));
      if (!endpoint) {
        await EventDelivery.deleteOne({ _id: deliveryId });
        return 'endpoint-deleted';
      }
      const at = new Date();
      const answer = await options.http.post(endpoint.url, delivery.body, {
        'content-type': 'application/json',
        'user-agent': 'OneClickMarketing-Webhooks/1.0',
        [EVENT_ID_HEADER]: delivery.eventId,
        'ocm-event-type': delivery.type,
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, delivery.body, at.getTime()),
      });
      const settledAt = new Date();
      if (isSuccess(answer)) await recordSuccess(delivery, endpoint, answer, settledAt);
      else await recordFailure(delivery, endpoint, answer, settledAt);
      options.onSettled?.();
      return isSuccess(answer) ? 'delivered' : 'failed-attempt';
    },
  };
}

export type EventDeliverer = ReturnType<typeof createEventDeliverer>;
