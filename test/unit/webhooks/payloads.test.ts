/** The pure parts of webhook handling: ids before verification, signatures, stop words, pricing, history order, update keys. */
import { describe, expect, it } from 'vitest';
import { namedIds } from '../../../src/modules/webhooks/named-ids.js';
import { parseSignatureHeader, signedWith } from '../../../src/modules/webhooks/signature.js';
import { lateInsertPosition } from '../../../workers/webhooks/late-status.js';
import { costCategoryOf, isCharged } from '../../../workers/webhooks/pricing.js';
import { finalStatus, tally } from '../../../workers/webhooks/results.js';
import { InboundItem } from '../../../workers/webhooks/schemas.js';
import { optOutSourceOf } from '../../../workers/webhooks/stop-words.js';
import { readUpdates } from '../../../workers/webhooks/updates.js';
import { fixture, metaSignature } from '../../fixtures/meta/index.js';

describe('namedIds (read before the signature is checked)', () => {
  it('collects WABA ids, phone number ids and fields, and ignores anything malformed', () => {
    expect(namedIds(JSON.parse(fixture('f3-read-and-failed-131049').toString()))).toEqual({
      wabaIds: ['100000000000001'], phoneNumberIds: ['200000000000001'], fields: ['messages'],
    });
    expect(namedIds({ entry: [{ id: 'DROP TABLE', changes: [{ field: 'x', value: { metadata: { phone_number_id: { $gt: '' } } } }] }, null, 7] }))
      .toEqual({ wabaIds: [], phoneNumberIds: [], fields: ['x'] });
    expect(namedIds('nope')).toEqual({ wabaIds: [], phoneNumberIds: [], fields: [] });
  });
});

describe('signatures', () => {
  it('parses the header strictly and checks the HMAC over the exact bytes', () => {
    const body = fixture('f5-inbound-text-and-quick-reply');
    const header = parseSignatureHeader(metaSignature(body, 's3cret'));
    expect(header.kind).toBe('ok');
    if (header.kind !== 'ok') return;
    expect(signedWith(body, header.digest, 's3cret')).toBe(true);
    expect(signedWith(body, header.digest, 'other')).toBe(false);
    expect(signedWith(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), header.digest, 's3cret')).toBe(false);
    expect(parseSignatureHeader(undefined).kind).toBe('missing');
    expect(parseSignatureHeader('sha256=xyz').kind).toBe('malformed');
    expect(parseSignatureHeader(['sha256=a', 'sha256=b']).kind).toBe('malformed');
  });
});

describe('stop words', () => {
  const item = (value: Record<string, unknown>) => InboundItem.parse({ id: 'wamid.1', from: '5511999990001', timestamp: '1', ...value });
  it('exact STOP/UNSUBSCRIBE texts and stop buttons opt out; other messages do not', () => {
    expect(optOutSourceOf(item({ type: 'text', text: { body: ' Stop ' } }))).toBe('inbound_stop');
    expect(optOutSourceOf(item({ type: 'text', text: { body: 'unsubscribe' } }))).toBe('inbound_stop');
    expect(optOutSourceOf(item({ type: 'text', text: { body: 'stop it please' } }))).toBeNull();
    expect(optOutSourceOf(item({ type: 'button', button: { payload: 'STOP_PROMO:42', text: 'Parar promoções' } }))).toBe('quick_reply');
    expect(optOutSourceOf(item({ type: 'button', button: { payload: 'x', text: 'Stop promotions' } }))).toBe('quick_reply');
    expect(optOutSourceOf(item({ type: 'button', button: { payload: 'STOPWATCH', text: 'Stopwatch deals' } }))).toBeNull();
    expect(optOutSourceOf(item({ type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'unsubscribe', title: 'No more' } } }))).toBe('quick_reply');
  });
});

describe('pricing', () => {
  it('maps Meta categories to the four cost buckets and prefers `type` over the deprecated `billable`', () => {
    expect(costCategoryOf('authentication-international')).toBe('authentication');
    expect(costCategoryOf('marketing_lite')).toBe('marketing');
    expect(costCategoryOf('referral_conversion')).toBeUndefined();
    expect(isCharged({ billable: true, type: 'free_customer_service' })).toBe(false);
    expect(isCharged({ billable: true })).toBe(true);
    expect(isCharged({ type: 'regular' })).toBe(true);
  });
});

describe('late statuses', () => {
  const history = (...statuses: string[]) => statuses.map((status) => ({ status }));
  it('go before the first later status of the current attempt', () => {
    expect(lateInsertPosition(history('queued', 'sending', 'accepted', 'read'), 'sent')).toEqual({ position: 3, present: false });
    expect(lateInsertPosition(history('queued', 'sending', 'accepted', 'sent', 'read'), 'delivered')).toEqual({ position: 4, present: false });
    expect(lateInsertPosition(history('queued', 'sending', 'accepted', 'failed'), 'sent')).toEqual({ position: 3, present: false });
    expect(lateInsertPosition(history('queued', 'sending', 'accepted', 'sent', 'read'), 'sent')).toMatchObject({ present: true });
    // An earlier attempt's `sent` does not count for the new one.
    expect(lateInsertPosition(history('queued', 'sent', 'failed', 'queued', 'sending', 'accepted', 'read'), 'sent')).toEqual({ position: 6, present: false });
  });
});

describe('readUpdates', () => {
  it('flattens a delivery into keyed updates and keeps what it cannot read as unhandled', () => {
    const updates = readUpdates(fixture('f3-read-and-failed-131049').toString());
    expect(updates.map((update) => [update.key, update.kind])).toEqual([['0.0.statuses.0', 'status'], ['0.0.statuses.1', 'status']]);
    expect(readUpdates(fixture('f5-inbound-text-and-quick-reply').toString()).map((update) => update.kind)).toEqual(['inbound', 'inbound']);
    expect(readUpdates(fixture('f6-quality-downgrade-legacy').toString())[0]).toMatchObject({ kind: 'account', field: 'phone_number_quality_update', time: 1700000000 });
    expect(readUpdates('{"object":"page","entry":[]}')[0]).toMatchObject({ kind: 'unhandled' });
    expect(readUpdates('[1]')[0]).toMatchObject({ kind: 'unhandled' });
  });

  it('tallies outcomes into the event status', () => {
    const base = { applied: 0, unchanged: 0, unhandled: 0, orphaned: 0 };
    const results = (...outcomes: Array<'applied' | 'unchanged' | 'unhandled' | 'unknown'>) => outcomes.map((outcome, i) => ({ key: String(i), field: 'messages', outcome }));
    expect(finalStatus(tally(base, results('applied', 'unhandled'), true))).toBe('processed');
    expect(finalStatus(tally(base, results('unhandled'), true))).toBe('unhandled');
    expect(finalStatus(tally(base, results('applied', 'unknown'), true))).toBe('orphaned');
    expect(tally(base, results('unknown'), false)).toEqual(base);
  });
});
