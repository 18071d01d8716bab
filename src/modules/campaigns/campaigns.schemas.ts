/** Request and response schemas of /v1/campaigns. */
import { z } from 'zod';
import { CAMPAIGN_STATUSES, MESSAGE_STATUSES } from '../../db/models/campaign.model.js';
import { ListQuery, ObjectIdString } from '../common.schemas.js';
import { isTimeZone } from '../../sending/send-window-clock.js';
import { RECIPIENT_ZONE } from '../../sending/send-window.js';
import { Components } from './components.js';

export const MAX_RECIPIENTS = 100_000;

export const TemplateRef = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name: lowercase letters, digits and underscores'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Za-z]{2,4})?$/, 'must be a template language code like en_US or pt_BR'),
  components: Components.optional(),
});

const Recipient = z.strictObject({
  to: z.string().max(64, 'is too long for a phone number'),
  components: Components.optional(),
  ref: z.string().max(200, 'must be at most 200 characters').optional(),
});

const Clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time like 09:00');

const Zone = z.string().trim().max(64).refine(isTimeZone, 'must be an IANA time zone like Europe/Berlin or America/Sao_Paulo');

/** `timezone: "recipient"` uses the zone of each number's country when it has one clock, else `fallbackTimezone` (UTC). */
export const SendWindow = z.strictObject({
  from: Clock,
  to: Clock,
  timezone: z.string().trim().max(64).refine((zone) => zone === RECIPIENT_ZONE || isTimeZone(zone), 'must be "recipient" or an IANA time zone like Europe/Berlin').default(RECIPIENT_ZONE),
  fallbackTimezone: Zone.optional(),
}).refine((window) => window.from !== window.to, { path: ['to'], message: 'must differ from "from" (leave sendWindow out to send at any time)' })
  .refine((window) => window.timezone === RECIPIENT_ZONE || window.fallbackTimezone === undefined, {
    path: ['fallbackTimezone'], message: 'only applies when timezone is "recipient"',
  });

export const CampaignFields = {
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  credentialId: ObjectIdString,
  template: TemplateRef,
  scheduledAt: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time like 2026-12-01T09:00:00Z' }).optional(),
  sendWindow: SendWindow.optional(),
  dryRun: z.boolean().optional(),
};

export const CreateCampaignBody = z.strictObject({
  ...CampaignFields,
  recipients: z.array(Recipient).min(1, 'must list at least one recipient').max(MAX_RECIPIENTS, `must list at most ${MAX_RECIPIENTS} recipients`),
});
export type CreateCampaignInput = z.infer<typeof CreateCampaignBody>;
export type RecipientInput = z.infer<typeof Recipient>;

export const Counts = z.object(Object.fromEntries(['total', ...MESSAGE_STATUSES].map((status) => [status, z.number()])) as Record<'total' | (typeof MESSAGE_STATUSES)[number], z.ZodNumber>);

export const Rejected = z.object({ index: z.number(), to: z.string(), reason: z.enum(['invalid_phone', 'duplicate', 'opted_out']) });

export const Estimate = z.object({
  messagesPerSecond: z.number(),
  tierRemaining: z.number().nullable(),
  secondsToComplete: z.number(),
  completesAt: z.string(),
  warnings: z.array(z.string()),
});

export const CampaignView = z.object({
  id: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  pausedReason: z.string().nullable(),
  credentialId: z.string(),
  template: z.object({ name: z.string(), language: z.string(), components: z.array(z.unknown()) }),
  counts: Counts,
  cost: z.object({
    billable: z.number(),
    byCategory: z.object({ marketing: z.number(), utility: z.number(), authentication: z.number(), service: z.number() }),
  }),
  sendWindow: z.unknown().nullable(),
  scheduledAt: z.string().nullable(),
  startedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const CreateCampaignAnswer = z.object({
  id: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  counts: Counts,
  rejected: z.array(Rejected),
  estimate: Estimate,
});

export const DryRunAnswer = z.object({ counts: Counts, rejected: z.array(Rejected), estimate: Estimate });

export const CampaignListQuery = ListQuery.extend({ status: z.enum(CAMPAIGN_STATUSES).optional() });
export const MessageListQuery = ListQuery.extend({ status: z.enum(MESSAGE_STATUSES).optional() });

export const StatusAnswer = z.object({ id: z.string(), status: z.enum(CAMPAIGN_STATUSES) });

export const RetryFailedBody = z.strictObject({ all: z.boolean().default(false) });
export const RetryFailedAnswer = z.object({ id: z.string(), requeued: z.number() });

export const TestSendBody = z.strictObject({
  to: z.array(z.string().max(64, 'is too long for a phone number')).min(1, 'must list at least one number').max(5, 'must list at most 5 numbers'),
});
export const TestSendAnswer = z.object({
  id: z.string(),
  messages: z.array(z.object({ id: z.string(), to: z.string(), status: z.literal('queued') })),
  rejected: z.array(Rejected),
});
