/**
 * After an accepted send: plans the status webhooks (sent → delivered → read, or failed), schedules
 * them on the shared timer queue, and turns each into Meta's `statuses[]` item when it is due.
 */
import { createHash } from 'node:crypto';
import { webhookTargets, type SimulatorContext } from './context.js';
import { planStatuses, type PlannedStatus } from './delivery-outcomes.js';
import { webhookErrorItem } from './meta-errors.js';
import { businessScopedUserId } from './recipients.js';
import { SERVICE_WINDOW_MS } from './service-windows.js';
import { unixSeconds } from './webhook-payloads.js';

/** What status webhooks need to remember about one accepted send. */
export interface SentMessage {
  readonly wamid: string;
  readonly phoneNumberId: string;
  readonly wabaId: string;
  readonly businessId: string;
  readonly displayDigits: string;
  /** wa_id of the recipient. */
  readonly recipient: string;
  readonly bizOpaqueCallbackData?: string;
  /** pricing.category / conversation.origin.type: marketing, utility, authentication or service. */
  readonly pricingCategory: string;
  /** regular (charged) or free_customer_service (inside an open service window). */
  readonly pricingType: 'regular' | 'free_customer_service';
  readonly acceptedAt: number;
  /** BSUID, computed on the first status that needs it and reused by the others. */
  userId?: string;
}

export interface ScheduledStatus {
  readonly message: SentMessage;
  readonly planned: PlannedStatus;
}

export function scheduleStatuses(ctx: SimulatorContext, message: SentMessage): void {
  const settings = ctx.webhookSettings;
  const outcome = ctx.deliveryOutcomes.take(message.phoneNumberId, message.recipient);
  const plan = planStatuses(outcome, settings.finalStatus);
  if (plan.length === 0) return;
  const reversed = settings.reorderFraction > 0 && ctx.random() < settings.reorderFraction;
  for (let i = 0; i < plan.length; i += 1) {
    const step = reversed ? plan.length - i : i + 1;
    const jitter = settings.jitterMs > 0 ? Math.floor(ctx.random() * settings.jitterMs) : 0;
    ctx.idle.add();
    ctx.statusQueue.schedule(settings.extraDelayMs + step * settings.statusIntervalMs + jitter, { message, planned: plan[i] });
  }
}

/** Runs when a scheduled status is due (the timer queue's callback). */
export function emitStatus(ctx: SimulatorContext, scheduled: ScheduledStatus): void {
  const { message } = scheduled;
  ctx.dispatcher.send(webhookTargets(ctx, message.wabaId), {
    kind: 'status',
    wabaId: message.wabaId,
    phoneNumberId: message.phoneNumberId,
    displayDigits: message.displayDigits,
    status: statusItem(ctx, scheduled, ctx.now()),
  });
  ctx.idle.done();
}

/** Since the July 2025 pricing change the conversation id is unique per message; derive it from the wamid. */
function conversationIdOf(wamid: string): string {
  return createHash('md5').update(wamid).digest('hex');
}

/** Meta's key order: id, status, timestamp, recipient_id, recipient_user_id, biz_opaque_callback_data, conversation, pricing, errors. */
function statusItem(ctx: SimulatorContext, { message, planned }: ScheduledStatus, now: number): Record<string, unknown> {
  const settings = ctx.webhookSettings;
  const status = planned.status;
  const item: Record<string, unknown> = {
    id: message.wamid,
    status,
    timestamp: unixSeconds(now),
    recipient_id: message.recipient,
  };
  // Failed statuses omit the BSUID when the send addressed a phone number (meta-cloud-api.md §4.8).
  if (settings.includeUserIds && status !== 'failed') {
    message.userId ??= businessScopedUserId(message.businessId, message.recipient);
    item.recipient_user_id = message.userId;
  }
  if (message.bizOpaqueCallbackData !== undefined) item.biz_opaque_callback_data = message.bizOpaqueCallbackData;
  const carriesPricing = status === 'sent' || status === 'delivered';
  if (settings.statusStyle === 'v23' && carriesPricing) {
    item.conversation = {
      id: conversationIdOf(message.wamid),
      ...(status === 'sent' ? { expiration_timestamp: unixSeconds(message.acceptedAt + SERVICE_WINDOW_MS) } : {}),
      origin: { type: message.pricingCategory },
    };
  }
  if (carriesPricing) {
    item.pricing = {
      billable: message.pricingType === 'regular',
      pricing_model: 'PMP',
      type: message.pricingType,
      category: message.pricingCategory,
    };
  }
  if (status === 'failed') item.errors = [webhookErrorItem(planned.errorCode ?? 131026, planned.errorDetails)];
  return item;
}
