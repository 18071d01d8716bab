/** Request and response schemas of /v1/webhook-endpoints. */
import { z } from 'zod';
import { ListQuery } from '../common.schemas.js';
import { EVENT_TYPES } from './event-types.js';

export const MAX_ENDPOINTS_PER_CLIENT = 16;

export const CreateEndpointBody = z.strictObject({
  url: z.string().trim().min(1, 'must not be empty').max(2048, 'must be at most 2048 characters'),
  events: z.array(z.enum(EVENT_TYPES, { error: `must be one of ${EVENT_TYPES.join(', ')}` }))
    .min(1, 'must list at least one event type (leave it out for all of them)')
    .refine((types) => new Set(types).size === types.length, 'must not list a type twice')
    .optional(),
  description: z.string().trim().max(500, 'must be at most 500 characters').optional(),
});
export type CreateEndpointInput = z.infer<typeof CreateEndpointBody>;

const health = {
  consecutiveFailures: z.number(),
  lastDeliveredAt: z.string().nullable(),
  lastFailedAt: z.string().nullable(),
  lastError: z.string().nullable(),
};

export const EndpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  createdAt: z.string(),
  ...health,
});

export const CreatedEndpoint = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  secret: z.string().describe('Shown this once: keep it to verify OCM-Signature.'),
  createdAt: z.string(),
});

export const DELIVERY_VIEW_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const DeliveryView = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: z.enum(DELIVERY_VIEW_STATUSES),
  attempts: z.number(),
  nextRetryAt: z.string().nullable(),
  answers: z.array(z.object({
    at: z.string(),
    durationMs: z.number(),
    statusCode: z.number().nullable(),
    body: z.string().nullable(),
    error: z.string().nullable(),
  })),
  event: z.unknown().describe('The body that is posted: {id, type, createdAt, data}'),
  createdAt: z.string(),
  deliveredAt: z.string().nullable(),
  failedAt: z.string().nullable(),
});

export const DeliveryListQuery = ListQuery.extend({ status: z.enum(DELIVERY_VIEW_STATUSES).optional() });

export const TestEventAnswer = z.object({ eventId: z.string(), deliveryId: z.string(), status: z.literal('pending') });
