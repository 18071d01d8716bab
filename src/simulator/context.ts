/**
 * The one object the simulator's parts share: configuration state, traffic memory, rules,
 * observations and the webhook machinery. Built in simulator.ts; routes and operations take it.
 */
import type { Logger } from 'pino';
import type { DeliveryOutcome } from './delivery-outcomes.js';
import type { Fault } from './faults.js';
import type { IdleTracker } from './idle-tracker.js';
import type { Random } from './random.js';
import type { PairRateLimiter, SlidingSecondWindow } from './rate-limits.js';
import type { Recorder } from './recorder.js';
import type { RuleBook } from './rule-book.js';
import type { ServiceWindows } from './service-windows.js';
import type { SimulatorState } from './state.js';
import type { ScheduledStatus } from './status-emitter.js';
import type { TimerQueue } from './timer-queue.js';
import type { WebhookDispatcher, WebhookTarget } from './webhook-dispatcher.js';
import type { WebhookSettings } from './webhook-settings.js';

export interface SimulatorContext {
  readonly state: SimulatorState;
  /** Accepted sends per phone number in the last second, for the 130429 check. */
  readonly throughputWindows: Map<string, SlidingSecondWindow>;
  readonly pairLimiter: PairRateLimiter;
  readonly serviceWindows: ServiceWindows;
  readonly faults: RuleBook<Fault>;
  readonly deliveryOutcomes: RuleBook<DeliveryOutcome>;
  readonly recorder: Recorder;
  readonly dispatcher: WebhookDispatcher;
  readonly statusQueue: TimerQueue<ScheduledStatus>;
  readonly idle: IdleTracker;
  webhookSettings: WebhookSettings;
  /** The simulator's notion of now (ms); injectable so tests can cross a 24 h window instantly. */
  readonly now: () => number;
  readonly random: Random;
  readonly logger: Logger;
  readonly limits: {
    /** HTTP status for 130429/131056: Meta's table says 400, some copies say 429. */
    readonly rateLimitHttpStatus: number;
    /** Management calls per WABA per hour before 80007 (Meta: 5,000 for an active WABA). */
    readonly managementCallsPerHour: number;
  };
  /** Management call counts per WABA in the current hour, for BUC headers and 80007. */
  readonly managementUsage: Map<string, { windowStart: number; calls: number }>;
  /** Base URL the simulator answers on, for `paging.next` links. */
  baseUrl: string;
}

/** Meta posts a WABA's webhooks to every subscribed app that has a callback URL, signed with that app's secret. */
export function webhookTargets(ctx: SimulatorContext, wabaId: string): WebhookTarget[] {
  const waba = ctx.state.wabas.get(wabaId);
  if (!waba) return [];
  const targets: WebhookTarget[] = [];
  for (const appId of waba.subscribedAppIds) {
    const app = ctx.state.apps.get(appId);
    if (app?.callbackUrl) targets.push({ appId: app.id, url: app.callbackUrl, secret: app.secret });
  }
  return targets;
}
