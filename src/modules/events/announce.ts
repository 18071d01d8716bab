/**
 * One function per event type, called where the change happens: each turns our records into the
 * contract's payload (event-types.ts) and hands it to the emitter. The payload is built only when
 * the client has an endpoint that wants it, from values captured at the call.
 */
import type { Types } from 'mongoose';
import { countsOf } from '../campaigns/campaign-view.js';
import { outboundEvents, type EventModels } from './emitter.js';
import type { MessageStatusData } from './event-types.js';

type Id = Types.ObjectId | string;

/** `queued` and `sending` are our own bookkeeping; clients hear from `accepted` on. */
const ANNOUNCED_MESSAGE_STATUSES: ReadonlySet<string> = new Set(['accepted', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled']);

interface PricingLike {
  billable?: boolean | null;
  pricingModel?: string | null;
  pricing_model?: string | null;
  type?: string | null;
  category?: string | null;
}

export interface AnnouncedMessage {
  _id: Id;
  clientId: Id;
  campaignId?: Id | null;
  ref?: string | null;
  to: string;
  wamid?: string | null;
  error?: { code?: number | null; title?: string | null; message?: string | null } | null;
  pricing?: PricingLike | null;
}

const defined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined && inner !== null)) as T;

function pricingOf(pricing: PricingLike | null | undefined): MessageStatusData['pricing'] {
  if (!pricing) return undefined;
  return defined({ billable: pricing.billable ?? undefined, pricingModel: pricing.pricingModel ?? pricing.pricing_model ?? undefined, type: pricing.type ?? undefined, category: pricing.category ?? undefined });
}

export function announceMessageStatus(models: EventModels, message: AnnouncedMessage, status: string, at: Date): void {
  if (!ANNOUNCED_MESSAGE_STATUSES.has(status)) return;
  const error = status === 'failed' && message.error ? defined({ code: message.error.code ?? undefined, title: message.error.title ?? undefined, message: message.error.message ?? undefined }) : undefined;
  const data: MessageStatusData = defined({
    messageId: String(message._id),
    campaignId: message.campaignId ? String(message.campaignId) : undefined,
    ref: message.ref ?? undefined,
    to: message.to,
    status,
    wamid: message.wamid ?? undefined,
    error,
    pricing: pricingOf(message.pricing),
    at: at.toISOString(),
  });
  outboundEvents(models).emit(message.clientId, 'message.status', () => data);
}

export interface AnnouncedCampaign {
  _id: Id;
  clientId: Id;
  status: string;
  pausedReason?: string | null;
  counts?: unknown;
}

export function announceCampaignStatus(models: EventModels, campaign: AnnouncedCampaign): void {
  const campaignId = String(campaign._id);
  const { status } = campaign;
  const reason = status === 'paused' ? campaign.pausedReason ?? undefined : undefined;
  const counts = countsOf(campaign.counts as Record<string, number> | undefined);
  outboundEvents(models).emit(campaign.clientId, 'campaign.status', () => defined({ campaignId, status, reason, counts }));
}

export function announceCredentialStatus(models: EventModels, credential: { _id: Id; clientId: Id }, status: string, lastError?: string | null): void {
  const credentialId = String(credential._id);
  outboundEvents(models).emit(credential.clientId, 'credential.status', () => defined({ credentialId, status, lastError: lastError ?? undefined }));
}

export function announceOptOut(models: EventModels, clientId: Id, phone: string, source: string): void {
  outboundEvents(models).emit(clientId, 'optout.created', () => ({ phone, source }));
}

export interface AnnouncedInbound {
  clientId: Id;
  credentialId: Id;
  from: string;
  type: string;
  text?: string | null;
  at: Date;
}

export function announceInbound(models: EventModels, inbound: AnnouncedInbound): void {
  const data = defined({ credentialId: String(inbound.credentialId), from: inbound.from, type: inbound.type, text: inbound.text ?? undefined, at: inbound.at.toISOString() });
  outboundEvents(models).emit(inbound.clientId, 'message.inbound', () => data);
}
