/**
 * Webhooks that do not come from a send: a user writing or tapping a quick reply (which also opens
 * the 24 h service window), a phone number's quality/limit change, a template status change, and
 * account updates. Each can also change the simulated state, as the real event would.
 */
import { z } from 'zod';
import { webhookTargets, type SimulatorContext } from './context.js';
import { newWamid } from './ids.js';
import { businessScopedUserId, recipientKey } from './recipients.js';
import { TEMPLATE_STATUSES } from './state-schemas.js';
import { defaultMps, SimulatorInputError } from './state.js';
import { unixSeconds, type WebhookUpdate } from './webhook-payloads.js';

const inboundBase = {
  phoneNumberId: z.string(),
  /** The user's phone number (digits; `+` and separators are dropped). */
  from: z.string().min(5),
  /** contacts[].profile.name. @defaultValue 'Simulated User' */
  name: z.string().optional(),
};

export const InboundMessageInputSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text'), ...inboundBase, text: z.string().min(1), contextId: z.string().optional() }),
  z.strictObject({
    type: z.literal('button'),
    ...inboundBase,
    /** The quick-reply payload the template send carried. */
    payload: z.string(),
    /** The button's label. */
    text: z.string(),
    /** wamid of the template message whose button was tapped. */
    contextId: z.string(),
  }),
  z.strictObject({
    type: z.literal('interactive'),
    ...inboundBase,
    buttonReply: z.strictObject({ id: z.string(), title: z.string() }),
    contextId: z.string(),
  }),
]);
export type InboundMessageInput = z.input<typeof InboundMessageInputSchema>;

export const QualityUpdateInputSchema = z.strictObject({
  phoneNumberId: z.string(),
  /** ONBOARDING, THROUGHPUT_UPGRADE (current); FLAGGED, UNFLAGGED, UPGRADE, DOWNGRADE (legacy). */
  event: z.string().min(1),
  currentLimit: z.string().optional(),
  oldLimit: z.string().optional(),
  /** Defaults to currentLimit in the current shape. */
  maxDailyConversationsPerBusiness: z.string().optional(),
  /** `current` (Nov 2025 doc) or `legacy` (per-number payload from before Oct 2025). @defaultValue 'current' */
  shape: z.enum(['current', 'legacy']).optional(),
  /** Also set the number's quality rating. */
  qualityRating: z.enum(['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN']).optional(),
  /** Change the number as the event says (limit tier, throughput upgrade). @defaultValue true */
  applyToState: z.boolean().optional(),
});
export type QualityUpdateInput = z.input<typeof QualityUpdateInputSchema>;

export const TemplateStatusUpdateInputSchema = z.strictObject({
  wabaId: z.string(),
  name: z.string(),
  language: z.string(),
  /** APPROVED, PAUSED, DISABLED, REJECTED, REINSTATED, FLAGGED, … */
  event: z.string().min(1),
  /** @defaultValue 'NONE' */
  reason: z.string().nullable().optional(),
  otherInfo: z.strictObject({ title: z.string(), description: z.string() }).optional(),
  disableInfo: z.strictObject({ disable_date: z.string() }).optional(),
  rejectionInfo: z.strictObject({ reason: z.string(), recommendation: z.string() }).optional(),
  /** Change the template's status as the event says. @defaultValue true */
  applyToState: z.boolean().optional(),
});
export type TemplateStatusUpdateInput = z.input<typeof TemplateStatusUpdateInputSchema>;

export const AccountUpdateInputSchema = z.strictObject({
  wabaId: z.string(),
  /** ACCOUNT_RESTRICTION, ACCOUNT_VIOLATION, DISABLED_UPDATE, VOLUME_BASED_PRICING_TIER_UPDATE, … */
  event: z.string().min(1),
  /** Further keys of `value`, in Meta's snake_case (restriction_info, ban_info, phone_number, …). */
  fields: z.record(z.string(), z.unknown()).optional(),
});
export type AccountUpdateInput = z.input<typeof AccountUpdateInputSchema>;

export const RawWebhookInputSchema = z.strictObject({
  wabaId: z.string(),
  field: z.string().min(1),
  value: z.record(z.string(), z.unknown()),
});
export type RawWebhookInput = z.input<typeof RawWebhookInputSchema>;

/** A template event moves the template to this status (events missing here leave it as it is). */
const STATUS_AFTER_EVENT: Readonly<Record<string, (typeof TEMPLATE_STATUSES)[number]>> = {
  APPROVED: 'APPROVED',
  REINSTATED: 'APPROVED',
  UNARCHIVED: 'APPROVED',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  REJECTED: 'REJECTED',
  PENDING: 'PENDING',
  IN_APPEAL: 'IN_APPEAL',
  ARCHIVED: 'ARCHIVED',
  DELETED: 'DELETED',
  PENDING_DELETION: 'PENDING_DELETION',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
};

function publish(ctx: SimulatorContext, update: WebhookUpdate): void {
  ctx.dispatcher.send(webhookTargets(ctx, update.wabaId), update);
}

export function sendInboundMessage(ctx: SimulatorContext, input: z.output<typeof InboundMessageInputSchema>) {
  const phone = ctx.state.requirePhoneNumber(input.phoneNumberId);
  const waba = ctx.state.requireWaba(phone.wabaId);
  const now = ctx.now();
  const from = recipientKey(input.from);
  const wamid = newWamid(from);
  const timestamp = unixSeconds(now);
  const context = input.type === 'text' && !input.contextId ? undefined : { from: phone.displayDigits, id: input.contextId };

  let message: Record<string, unknown>;
  if (input.type === 'text') {
    message = { ...(context && { context }), from, id: wamid, timestamp, type: 'text', text: { body: input.text } };
  } else if (input.type === 'button') {
    message = { context, from, id: wamid, timestamp, type: 'button', button: { payload: input.payload, text: input.text } };
  } else {
    message = {
      context,
      from,
      id: wamid,
      timestamp,
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: input.buttonReply },
    };
  }
  const contact: Record<string, unknown> = { profile: { name: input.name ?? 'Simulated User' }, wa_id: from };
  if (ctx.webhookSettings.includeUserIds) contact.user_id = businessScopedUserId(waba.businessId, from);

  // Any message from the user opens (or renews) the customer service window.
  ctx.serviceWindows.open(phone.id, from, now);
  publish(ctx, { kind: 'message', wabaId: phone.wabaId, phoneNumberId: phone.id, displayDigits: phone.displayDigits, contact, message });
  return { wamid, timestamp, message, contact };
}

export function sendQualityUpdate(ctx: SimulatorContext, input: z.output<typeof QualityUpdateInputSchema>) {
  const phone = ctx.state.requirePhoneNumber(input.phoneNumberId);
  const value: Record<string, unknown> = { display_phone_number: phone.displayDigits, event: input.event };
  if (input.currentLimit !== undefined) value.current_limit = input.currentLimit;
  if ((input.shape ?? 'current') === 'current') {
    if (input.oldLimit !== undefined) value.old_limit = input.oldLimit;
    const maxDaily = input.maxDailyConversationsPerBusiness ?? input.currentLimit;
    if (maxDaily !== undefined) value.max_daily_conversations_per_business = maxDaily;
  }
  if (input.applyToState ?? true) {
    const tier = input.maxDailyConversationsPerBusiness ?? input.currentLimit;
    if (tier?.startsWith('TIER_')) ctx.state.updatePhoneNumber(phone.id, { messagingLimitTier: tier });
    if (input.event === 'THROUGHPUT_UPGRADE') {
      ctx.state.updatePhoneNumber(phone.id, { throughput: { level: 'HIGH', mps: defaultMps('HIGH') } });
    }
    if (input.qualityRating) ctx.state.updatePhoneNumber(phone.id, { qualityRating: input.qualityRating });
  }
  publish(ctx, { kind: 'account', wabaId: phone.wabaId, field: 'phone_number_quality_update', value, time: Math.floor(ctx.now() / 1000) });
  return { value };
}

export function sendTemplateStatusUpdate(ctx: SimulatorContext, input: z.output<typeof TemplateStatusUpdateInputSchema>) {
  const template = ctx.state.findTemplate(input.wabaId, input.name, input.language);
  if (!template) throw new SimulatorInputError(`template ${input.name} (${input.language}) does not exist in WABA ${input.wabaId}`, 404);
  const value: Record<string, unknown> = {
    event: input.event,
    // Meta sends the template id as a JSON number here.
    message_template_id: Number(template.id),
    message_template_name: template.name,
    message_template_language: template.language,
    reason: input.reason === undefined ? 'NONE' : input.reason,
    message_template_category: template.category,
  };
  if (input.otherInfo) value.other_info = input.otherInfo;
  if (input.disableInfo) value.disable_info = input.disableInfo;
  if (input.rejectionInfo) value.rejection_info = input.rejectionInfo;
  const nextStatus = STATUS_AFTER_EVENT[input.event];
  if ((input.applyToState ?? true) && nextStatus) {
    ctx.state.updateTemplate(input.wabaId, input.name, input.language, { status: nextStatus });
  }
  publish(ctx, { kind: 'account', wabaId: input.wabaId, field: 'message_template_status_update', value, time: Math.floor(ctx.now() / 1000) });
  return { value };
}

export function sendAccountUpdate(ctx: SimulatorContext, input: z.output<typeof AccountUpdateInputSchema>) {
  ctx.state.requireWaba(input.wabaId);
  const value: Record<string, unknown> = { event: input.event, ...input.fields };
  publish(ctx, { kind: 'account', wabaId: input.wabaId, field: 'account_update', value, time: Math.floor(ctx.now() / 1000) });
  return { value };
}

/** Any other field, as given — for webhook shapes the simulator does not model. */
export function sendRawWebhook(ctx: SimulatorContext, input: z.output<typeof RawWebhookInputSchema>) {
  ctx.state.requireWaba(input.wabaId);
  publish(ctx, { kind: 'account', wabaId: input.wabaId, field: input.field, value: input.value, time: Math.floor(ctx.now() / 1000) });
  return { value: input.value };
}
