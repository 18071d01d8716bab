/**
 * Outbound events in a worker process: the SSRF-guarded HTTP client, the mover, and the deliverer
 * the `outbound-events` queue's processor calls. New deliveries written in this process, and each
 * finished attempt, nudge the mover, so events leave within milliseconds when nothing is backed up.
 */
import type { Deps } from '../../src/deps.js';
import { outboundEvents } from '../../src/modules/events/emitter.js';
import { createDeliveryHttp } from '../../src/modules/events/http-delivery.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../src/modules/events/retry-policy.js';
import { addressPolicyFor, type Resolver } from '../../src/modules/events/url-policy.js';
import { createEventDeliverer, type EventDeliverer } from './deliver.js';
import { startEventMover, type EventMover, type MoverOptions } from './mover.js';

export interface OutboundEventsOptions {
  /** Overrides of the retry schedule (tests shrink it to milliseconds). */
  retry?: Partial<RetryPolicy>;
  /** How long an endpoint has to answer. @defaultValue 10 s (the contract's) */
  timeoutMs?: number;
  /** DNS for deliveries (tests inject one); the SSRF guard checks whatever it answers. */
  resolve?: Resolver;
  mover?: Omit<MoverOptions, 'retry'>;
}

export interface OutboundEventsRuntime {
  deliverer: EventDeliverer;
  mover: EventMover;
  /** Stops moving; call before the workers stop. */
  stop(): Promise<void>;
  /** Writes events still buffered and closes connections; call after the workers stopped. */
  close(): Promise<void>;
}

export function startOutboundEvents(deps: Deps, options: OutboundEventsOptions = {}): OutboundEventsRuntime {
  const retry = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  const { blockPrivate } = addressPolicyFor(deps.config);
  const http = createDeliveryHttp({ blockPrivate, timeoutMs: options.timeoutMs, resolve: options.resolve });
  const mover = startEventMover(deps, { ...options.mover, retry });
  const deliverer = createEventDeliverer(deps, { http, retry, onSettled: () => mover.nudge() });
  const events = outboundEvents(deps.models, deps.log);
  const unsubscribe = events.onPending(() => mover.nudge());
  return {
    deliverer,
    mover,
    async stop() {
      unsubscribe();
      await mover.stop();
    },
    async close() {
      await events.flush();
      await http.close();
    },
  };
}
