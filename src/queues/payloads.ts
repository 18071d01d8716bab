/**
 * Job payloads: contracts between producers and workers, validated with zod on both ends.
 * They carry ids only — never secrets or message content (invariant 6).
 */
import { z } from 'zod';

const Id = z.string().regex(/^[a-f0-9]{24}$/);

export const CredentialCheckJob = z.strictObject({ credentialId: Id, secretsVersion: z.number().int().min(1) });
export type CredentialCheckJob = z.infer<typeof CredentialCheckJob>;

export const SendJob = z.strictObject({ messageId: Id, credentialId: Id });
export type SendJob = z.infer<typeof SendJob>;

export const StartCampaignJob = z.strictObject({ campaignId: Id });
export const WebhookEventJob = z.strictObject({ eventId: Id });
export type WebhookEventJob = z.infer<typeof WebhookEventJob>;
export const OutboundEventJob = z.strictObject({ deliveryId: Id });
export type OutboundEventJob = z.infer<typeof OutboundEventJob>;
