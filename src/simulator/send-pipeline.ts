/**
 * Meta's decision on one send, for a phone number the token may use: validate the body, check the
 * number, the recipient, the template or the service window, then the rate limits, and accept —
 * returning the wamid and scheduling its status webhooks. No HTTP here; routes/messages.routes.ts
 * wraps it with faults and the answer.
 */
import type { SimulatorContext } from './context.js';
import { newWamid } from './ids.js';
import { metaError, type MetaError } from './meta-errors.js';
import { SlidingSecondWindow } from './rate-limits.js';
import { toWaId } from './recipients.js';
import { parseSendBody, type ParsedSend } from './send-request.js';
import type { SimPhoneNumber } from './state.js';
import { scheduleStatuses } from './status-emitter.js';
import { checkTemplateParameters, templateStatusError } from './template-check.js';

export interface SendSuccessBody {
  messaging_product: 'whatsapp';
  contacts: Array<{ input: string; wa_id: string }>;
  messages: Array<{ id: string; message_status?: 'accepted' }>;
}

interface OutcomeFacts {
  /** wa_id when `to` could be read. */
  readonly recipient: string | null;
  readonly type: string | null;
  readonly template: string | null;
}

export type SendOutcome =
  | (OutcomeFacts & { readonly kind: 'accepted'; readonly wamid: string; readonly body: SendSuccessBody })
  | (OutcomeFacts & { readonly kind: 'rejected'; readonly error: MetaError });

export function processSend(ctx: SimulatorContext, phone: SimPhoneNumber, body: unknown, at: number): SendOutcome {
  const parsed = parseSendBody(body);
  if (!parsed.ok) return { kind: 'rejected', error: parsed.error, recipient: null, type: null, template: null };
  const send = parsed.value;
  const facts: OutcomeFacts = {
    recipient: toWaId(send.to, phone.countryCode),
    type: send.type,
    template: send.type === 'template' ? `${send.template.name}/${send.template.languageCode}` : null,
  };
  const reject = (error: MetaError): SendOutcome => ({ kind: 'rejected', error, ...facts });

  const waId = facts.recipient;
  if (waId === null) return reject(metaError(131009, `Invalid recipient phone number: ${send.to}`));
  if (phone.platformType !== 'CLOUD_API') return reject(metaError(133010));
  if (waId === phone.displayDigits) return reject(metaError(131021));
  if (phone.testNumber && !phone.testNumber.allowedRecipients.includes(waId)) return reject(metaError(131030));

  const pricing = pricingOf(ctx, phone, send, waId, at);
  if ('error' in pricing) return reject(pricing.error);

  // Limits last, so only sends Meta would otherwise accept count against them.
  let window = ctx.throughputWindows.get(phone.id);
  if (!window) {
    window = new SlidingSecondWindow();
    ctx.throughputWindows.set(phone.id, window);
  }
  if (window.countAt(at) >= phone.throughput.mps) return reject(rateLimited(ctx, 130429));
  if (!ctx.pairLimiter.tryTake(`${phone.id}:${waId}`, at, phone.pairRateLimit)) return reject(rateLimited(ctx, 131056));
  window.record(at);

  const wamid = newWamid(waId);
  scheduleStatuses(ctx, {
    wamid,
    phoneNumberId: phone.id,
    wabaId: phone.wabaId,
    businessId: ctx.state.wabas.get(phone.wabaId)?.businessId ?? phone.wabaId,
    displayDigits: phone.displayDigits,
    recipient: waId,
    bizOpaqueCallbackData: send.bizOpaqueCallbackData,
    pricingCategory: pricing.category,
    pricingType: pricing.type,
    acceptedAt: at,
  });
  return {
    kind: 'accepted',
    wamid,
    ...facts,
    body: {
      messaging_product: 'whatsapp',
      contacts: [{ input: send.to, wa_id: waId }],
      // Meta's pages disagree on when message_status appears; we send it for templates, as the pacing page says.
      messages: [send.type === 'template' ? { id: wamid, message_status: 'accepted' } : { id: wamid }],
    },
  };
}

type Pricing = { category: string; type: 'regular' | 'free_customer_service' } | { error: MetaError };

/** Template and window checks, which also decide how the message is priced. */
function pricingOf(ctx: SimulatorContext, phone: SimPhoneNumber, send: ParsedSend, waId: string, at: number): Pricing {
  const windowOpen = ctx.serviceWindows.isOpen(phone.id, waId, at);
  if (send.type === 'text') {
    return windowOpen ? { category: 'service', type: 'free_customer_service' } : { error: metaError(131047) };
  }
  const { name, languageCode, components } = send.template;
  if (name === 'hello_world' && !phone.testNumber) return { error: metaError(131058) };
  const template = ctx.state.findTemplate(phone.wabaId, name, languageCode);
  const error = templateStatusError(template, name, languageCode) ?? (template && checkTemplateParameters(template, components));
  if (error || !template) return { error: error ?? metaError(132001) };
  const category = template.category.toLowerCase();
  // Utility templates inside an open service window are free (PMP, from July 2025).
  return { category, type: windowOpen && category === 'utility' ? 'free_customer_service' : 'regular' };
}

function rateLimited(ctx: SimulatorContext, code: 130429 | 131056): MetaError {
  const status = ctx.limits.rateLimitHttpStatus;
  return metaError(code, undefined, status === 400 ? {} : { httpStatus: status });
}
