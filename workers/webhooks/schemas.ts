/**
 * The parts of Meta's webhook payloads the event worker acts on (meta-cloud-api.md §4.4–4.7),
 * parsed with zod. Lenient on purpose: unknown keys pass, ids may come as numbers, and an item
 * that does not fit is recorded as unhandled instead of failing its whole delivery.
 */
import { z } from 'zod';

/** Meta writes most ids as strings and a few (message_template_id) as numbers. */
const IdLike = z.union([z.string(), z.number()]).transform(String);
/** Unix seconds, as a string (statuses, messages) or a number (entry.time). */
const UnixSeconds = z.union([z.string(), z.number()]).transform(Number).pipe(z.number().finite().nonnegative());

export const Envelope = z.object({
  object: z.string().optional(),
  entry: z.array(z.object({
    id: IdLike,
    time: UnixSeconds.optional(),
    changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })),
  })),
});

export const MessagesValue = z.object({
  metadata: z.object({ phone_number_id: IdLike, display_phone_number: z.string().optional() }).optional(),
  statuses: z.array(z.unknown()).optional(),
  messages: z.array(z.unknown()).optional(),
  contacts: z.array(z.unknown()).optional(),
  errors: z.array(z.unknown()).optional(),
});

export const MetaErrorItem = z.object({
  code: z.number().int(),
  title: z.string().optional(),
  message: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});

export const Pricing = z.object({
  billable: z.boolean().optional(),
  pricing_model: z.string().optional(),
  type: z.string().optional(),
  category: z.string().optional(),
});
export type Pricing = z.infer<typeof Pricing>;

export const StatusItem = z.object({
  id: z.string().min(1),
  status: z.string(),
  timestamp: UnixSeconds,
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  biz_opaque_callback_data: z.string().optional(),
  pricing: Pricing.optional(),
  errors: z.array(MetaErrorItem).optional(),
});
export type StatusItem = z.infer<typeof StatusItem>;

export const ContactItem = z.object({
  wa_id: z.string().optional(),
  user_id: z.string().optional(),
  profile: z.object({ name: z.string().optional() }).optional(),
});
export type ContactItem = z.infer<typeof ContactItem>;

export const InboundItem = z.object({
  id: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  timestamp: UnixSeconds,
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
  interactive: z.object({
    type: z.string().optional(),
    button_reply: z.object({ id: z.string(), title: z.string() }).optional(),
    list_reply: z.object({ id: z.string(), title: z.string() }).optional(),
  }).optional(),
  context: z.object({ id: z.string().optional() }).optional(),
});
export type InboundItem = z.infer<typeof InboundItem>;

export const QualityUpdateValue = z.object({
  display_phone_number: z.string(),
  event: z.string(),
  current_limit: z.string().optional(),
  old_limit: z.string().optional(),
  max_daily_conversations_per_business: z.string().optional(),
  /** Not in Meta's documented shape; honoured if a payload carries a rating. */
  quality_rating: z.string().optional(),
});
export type QualityUpdateValue = z.infer<typeof QualityUpdateValue>;

export const TemplateStatusValue = z.object({
  event: z.string(),
  message_template_id: IdLike.optional(),
  message_template_name: z.string(),
  message_template_language: z.string(),
  reason: z.string().nullable().optional(),
  other_info: z.object({ title: z.string().optional(), description: z.string().optional() }).optional(),
});
export type TemplateStatusValue = z.infer<typeof TemplateStatusValue>;

export const AccountUpdateValue = z.object({
  event: z.string(),
  restriction_info: z.array(z.object({ restriction_type: z.string().optional(), expiration: z.union([z.string(), z.number()]).optional() })).optional(),
  ban_info: z.object({ waba_ban_state: z.union([z.string(), z.array(z.string())]).optional(), waba_ban_date: z.string().optional() }).optional(),
  violation_info: z.object({ violation_type: z.string().optional() }).optional(),
});
export type AccountUpdateValue = z.infer<typeof AccountUpdateValue>;
