/** Request and response schemas of /v1/messages. */
import { z } from 'zod';
import { MESSAGE_STATUSES } from '../../db/models/campaign.model.js';
import { ObjectIdString } from '../common.schemas.js';
import { TemplateRef } from '../campaigns/campaigns.schemas.js';

const To = z.string().max(64, 'is too long for a phone number');

export const CreateMessageBody = z.union([
  z.strictObject({ credentialId: ObjectIdString, to: To, template: TemplateRef }),
  z.strictObject({ credentialId: ObjectIdString, to: To, text: z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters') }),
], { error: 'must be {credentialId, to, template} or {credentialId, to, text}' });
export type CreateMessageInput = z.infer<typeof CreateMessageBody>;

export const MessageView = z.object({
  id: z.string(),
  campaignId: z.string().nullable(),
  credentialId: z.string(),
  to: z.string(),
  ref: z.string().nullable(),
  status: z.enum(MESSAGE_STATUSES),
  wamid: z.string().nullable(),
  attempts: z.number(),
  error: z.object({ code: z.number(), title: z.string().nullable(), message: z.string().nullable() }).nullable(),
  waitReason: z.string().nullable(),
  statusHistory: z.array(z.object({ status: z.string(), at: z.string() })),
  pricing: z.object({
    billable: z.boolean().nullable(), pricingModel: z.string().nullable(), type: z.string().nullable(), category: z.string().nullable(),
  }).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const CreateMessageAnswer = z.object({ id: z.string(), status: z.literal('queued') });
