/**
 * Meta's `pricing` on status webhooks (meta-cloud-api.md §4.5, §6) → the message's pricing record
 * and the campaign's cost. Meta repeats pricing on `sent` and on one of delivered/read; it is
 * stored once per message (with the status move that brings it, else by a compare-and-set on "no
 * pricing yet"), so the cost counts each message once.
 */
import type { Types } from 'mongoose';
import type { WebhookContext } from './context.js';
import type { Pricing } from './schemas.js';

export type CostCategory = 'marketing' | 'utility' | 'authentication' | 'service';

/** Meta's category spellings (hyphen in pricing, underscore in conversation.origin) → the contract's four. */
const COST_CATEGORY: Readonly<Record<string, CostCategory>> = {
  marketing: 'marketing',
  marketing_lite: 'marketing',
  utility: 'utility',
  authentication: 'authentication',
  'authentication-international': 'authentication',
  authentication_international: 'authentication',
  service: 'service',
};

export const costCategoryOf = (category: string | undefined): CostCategory | undefined =>
  category ? COST_CATEGORY[category.toLowerCase()] : undefined;

/** `type` is the current signal (`regular` = charged); `billable` is deprecated but older payloads only have it. */
export const isCharged = (pricing: Pricing): boolean =>
  pricing.type !== undefined ? pricing.type === 'regular' : pricing.billable === true;

export interface PricedMessage {
  _id: Types.ObjectId;
  campaignId?: Types.ObjectId | null;
  test?: boolean | null;
  pricing?: unknown;
}

/** What a message keeps of Meta's pricing. */
export const pricingRecord = (pricing: Pricing) =>
  ({ billable: pricing.billable, pricingModel: pricing.pricing_model, type: pricing.type, category: pricing.category });

/** For a status move that stores the first pricing: how the campaign's cost counts it (transitions.move). */
export const chargeOf = (pricing: Pricing) => (isCharged(pricing) ? { category: costCategoryOf(pricing.category) } : undefined);

/** Stores the first pricing Meta reports for a message, when no status move stored it; true when this call stored it. */
export async function recordPricing(ctx: WebhookContext, message: PricedMessage, pricing: Pricing | undefined): Promise<boolean> {
  if (!pricing || message.pricing) return false;
  const record = pricingRecord(pricing);
  message.pricing = record;
  const stored = await ctx.models.Message.updateOne({ _id: message._id, pricing: null }, { $set: { pricing: record } });
  if (stored.modifiedCount !== 1) return false;
  const charge = chargeOf(pricing);
  if (charge && message.campaignId && !message.test) ctx.transitions.countCost(message.campaignId, charge.category);
  return true;
}
