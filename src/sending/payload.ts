/**
 * The Graph API body for one message (meta-cloud-api.md §1.2–1.3). Our message id travels in
 * `biz_opaque_callback_data`, so a status webhook can settle a send whose HTTP answer was lost.
 */
import { toMetaPhone } from '../lib/phone.js';
import { mergeComponents, type Component } from '../modules/campaigns/components.js';

export const CALLBACK_PREFIX = 'ocm:';

export const callbackDataFor = (messageId: string) => `${CALLBACK_PREFIX}${messageId}`;

/** Our message id from a webhook's `biz_opaque_callback_data`, if it is one of ours. */
export function messageIdFromCallback(data: unknown): string | null {
  if (typeof data !== 'string' || !data.startsWith(CALLBACK_PREFIX)) return null;
  const id = data.slice(CALLBACK_PREFIX.length);
  return /^[a-f0-9]{24}$/.test(id) ? id : null;
}

export interface PayloadMessage {
  _id: unknown;
  to: string;
  kind: string;
  text?: string | null;
  template?: { name: string; language: string; components?: Component[] } | null;
  components?: Component[] | null;
}

export function buildPayload(message: PayloadMessage, campaignTemplate?: { name: string; language: string; components?: Component[] } | null) {
  const base = {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to: toMetaPhone(message.to),
    biz_opaque_callback_data: callbackDataFor(String(message._id)),
  };
  if (message.kind === 'text') {
    return { ...base, type: 'text', text: { preview_url: false, body: message.text ?? '' } };
  }
  const template = campaignTemplate ?? message.template;
  if (!template) throw new Error(`message ${String(message._id)} has no template`);
  const components = campaignTemplate
    ? mergeComponents(campaignTemplate.components, message.components ?? undefined)
    : template.components ?? [];
  return {
    ...base,
    type: 'template',
    template: {
      name: template.name,
      language: { code: template.language },
      ...(components.length ? { components } : {}),
    },
  };
}
