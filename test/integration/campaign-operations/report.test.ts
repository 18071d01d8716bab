/**
 * The campaign report: a streamed CSV with one row per message — exactly the messages, exactly
 * their fields — properly quoted, test sends left out; and the campaign's cost from Meta's
 * pricing, counted once per billable message.
 */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../helpers/world.js';
import { createWorld } from '../../helpers/world.js';
import { campaignWhen, TEMPLATE, type Json } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  world.sim.updateWebhookSettings({ statusIntervalMs: 20, flushIntervalMs: 20 });
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const iso = (value: Date | null | undefined) => value?.toISOString() ?? '';

describe('campaign report', () => {
  it('has one row per message with its status, error, times and pricing, and the campaign its cost', async () => {
    world.sim.addDeliveryOutcome({ kind: 'fail', recipient: '4915100000903', code: 131026, details: 'Receiver is incapable of receiving this message' });
    world.sim.addDeliveryOutcome({ kind: 'final-status', recipient: '4915100000904', status: 'delivered' });
    const refs = ['plain', 'with, comma', 'say "hi"', '=HYPERLINK("http://x")', 'line\nbreak'];
    const recipients = refs.map((ref, n) => ({ to: `+49151000009${String(n).padStart(2, '0')}`, ref }));
    const created = (await world.api('POST', '/v1/campaigns', { name: 'report', credentialId, template: TEMPLATE, recipients })).json();
    await campaignWhen(world, created.id, (campaign) => campaign.status === 'completed', 'completion');
    await world.sim.waitForWebhooks(20_000);
    await world.waitFor(async () => (await world.deps.models.WebhookEvent.countDocuments({ status: 'pending' })) === 0, 'statuses processed');
    await world.api('POST', `/v1/campaigns/${created.id}/test`, { to: ['+447700900555'] });

    const response = await world.api('GET', `/v1/campaigns/${created.id}/report.csv`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toBe(`attachment; filename="campaign-${created.id}-report.csv"`);
    const rows = parse(response.body, { columns: true }) as Json[];
    expect(Object.keys(rows[0])).toEqual(['to', 'ref', 'status', 'wamid', 'error_code', 'error_title', 'sent_at', 'delivered_at', 'read_at', 'pricing_category', 'billable']);

    const messages = await world.deps.models.Message.find({ campaignId: created.id, test: { $ne: true } }).lean();
    expect(rows).toHaveLength(messages.length);
    expect(rows).toHaveLength(5);
    const byTo = new Map(rows.map((row) => [row.to, row]));
    for (const message of messages) {
      const pricing = message.pricing;
      expect(byTo.get(message.to), message.to).toEqual({
        to: message.to,
        ref: message.ref?.startsWith('=') ? `'${message.ref}` : message.ref,
        status: message.status,
        wamid: message.wamid ?? '',
        error_code: message.error?.code === undefined ? '' : String(message.error.code),
        error_title: message.error?.title ?? '',
        sent_at: iso(message.sentAt),
        delivered_at: iso(message.deliveredAt),
        read_at: iso(message.readAt),
        pricing_category: pricing?.category ?? '',
        billable: pricing ? String(pricing.type ? pricing.type === 'regular' : pricing.billable) : '',
      });
    }
    expect(byTo.get('4915100000903')).toMatchObject({ status: 'failed', error_code: '131026' });
    expect(byTo.get('4915100000904')).toMatchObject({ status: 'delivered', read_at: '' });
    expect(byTo.has('447700900555')).toBe(false);

    const billable = messages.filter((message) => message.pricing?.type === 'regular').length;
    expect(billable).toBeGreaterThanOrEqual(4);
    const campaign = (await world.api('GET', `/v1/campaigns/${created.id}`)).json();
    expect(campaign.cost).toEqual({ billable, byCategory: { marketing: billable, utility: 0, authentication: 0, service: 0 } });
  });

  it('streams a large campaign and answers 404 for one that is not yours', async () => {
    const recipients = Array.from({ length: 3_000 }, (_, n) => ({ to: `+3361300${String(n).padStart(4, '0')}`, ref: `r${n}` }));
    const created = (await world.api('POST', '/v1/campaigns', { name: 'big report', credentialId, template: TEMPLATE, recipients, scheduledAt: new Date(Date.now() + 3600_000).toISOString() })).json();
    const response = await world.api('GET', `/v1/campaigns/${created.id}/report.csv`);
    const rows = parse(response.body, { columns: true }) as Json[];
    expect(rows).toHaveLength(3_000);
    expect(new Set(rows.map((row) => row.ref)).size).toBe(3_000);
    expect(rows.every((row) => row.status === 'queued')).toBe(true);
    expect((await world.api('GET', '/v1/campaigns/aaaaaaaaaaaaaaaaaaaaaaaa/report.csv')).statusCode).toBe(404);
  });
});
