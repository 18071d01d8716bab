/**
 * Does an inbound message ask to stop? A text that is exactly STOP or UNSUBSCRIBE (any case,
 * trimmed; contract §3), or a quick-reply / interactive button whose payload or label starts
 * with one of them ("STOP_PROMO:42", "Stop promotions").
 */
import type { OptOutSource } from '../../src/modules/opt-outs/opt-outs.service.js';
import type { InboundItem } from './schemas.js';

const STOP_TEXT = /^(stop|unsubscribe)$/i;
/** The word must end there: "Stop promotions" and "STOP_PROMO" say stop, "Stopwatch" does not. */
const STOP_BUTTON = /^\s*(stop|unsubscribe)(?![a-z])/i;

const saysStop = (value: string | undefined) => value !== undefined && STOP_BUTTON.test(value);

export function optOutSourceOf(item: InboundItem): OptOutSource | null {
  if (item.type === 'text') return item.text && STOP_TEXT.test(item.text.body.trim()) ? 'inbound_stop' : null;
  if (item.type === 'button') return saysStop(item.button?.payload) || saysStop(item.button?.text) ? 'quick_reply' : null;
  if (item.type === 'interactive') {
    const reply = item.interactive?.button_reply ?? item.interactive?.list_reply;
    return reply && (saysStop(reply.id) || saysStop(reply.title)) ? 'quick_reply' : null;
  }
  return null;
}

/** The human-readable content and the machine payload of an inbound message, for the record. */
export function contentOf(item: InboundItem): { text?: string; payload?: string } {
  if (item.text) return { text: item.text.body };
  if (item.button) return { text: item.button.text, payload: item.button.payload };
  const reply = item.interactive?.button_reply ?? item.interactive?.list_reply;
  return reply ? { text: reply.title, payload: reply.id } : {};
}
