/**
 * Send windows: messages outside their window wait with `notBefore` at the window's next opening
 * and a reason, are not released, and do not hold back the messages whose window is open;
 * a window that closes mid-campaign stops the rest. The calendar arithmetic (midnight, DST) is
 * tested on fixed clocks in test/unit/sending/send-window.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../helpers/world.js';
import { createWorld } from '../../helpers/world.js';
import { campaignWhen, clockIn, sentTo, TEMPLATE, type Json } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const HOUR = 3600_000;
const create = (body: Json) => world.api('POST', '/v1/campaigns', { name: 'window', credentialId, template: TEMPLATE, ...body });

describe('send windows', () => {
  it('refuses unknown zones and empty windows with 400 naming the field', async () => {
    const cases: Array<[Json, string]> = [
      [{ from: '09:00', to: '18:00', timezone: 'Mars/Olympus_Mons' }, 'sendWindow.timezone'],
      [{ from: '09:00', to: '18:00', timezone: '+02:00' }, 'sendWindow.timezone'],
      [{ from: '09:00', to: '09:00' }, 'sendWindow.to'],
      [{ from: '9:00', to: '18:00' }, 'sendWindow.from'],
      [{ from: '09:00', to: '24:00' }, 'sendWindow.to'],
      [{ from: '09:00', to: '18:00', timezone: 'recipient', fallbackTimezone: 'Nowhere/Land' }, 'sendWindow.fallbackTimezone'],
      [{ from: '09:00', to: '18:00', timezone: 'Europe/Berlin', fallbackTimezone: 'UTC' }, 'sendWindow.fallbackTimezone'],
    ];
    for (const [sendWindow, field] of cases) {
      const response = await create({ recipients: [{ to: '+4915100000001' }], sendWindow, dryRun: true });
      expect(response.statusCode, JSON.stringify(sendWindow)).toBe(400);
      expect(response.json().error.details.map((detail: Json) => detail.field), JSON.stringify(sendWindow)).toContain(field);
    }
  });

  it('a closed window (fixed zone): accepted with a warning, messages wait for the opening, nothing is sent', async () => {
    const now = Date.now();
    const sendWindow = { from: clockIn('UTC', now + 2 * HOUR), to: clockIn('UTC', now + 3 * HOUR), timezone: 'UTC' };
    const created = await create({ recipients: [{ to: '+4915100000010' }, { to: '+4915100000011' }], sendWindow });
    expect(created.statusCode).toBe(202);
    const { estimate, id } = created.json();
    expect(estimate.warnings.join(' ')).toMatch(/2 recipients are outside the send window now; their messages wait until it opens \(the first at /);
    const opening = Date.parse(/the first at ([^)]+)\)/.exec(estimate.warnings.join(' '))![1]);
    expect(opening - now).toBeGreaterThan(HOUR);
    expect(opening - now).toBeLessThanOrEqual(2 * HOUR);
    expect(Date.parse(estimate.completesAt)).toBeGreaterThanOrEqual(opening);

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const messages = (await world.api('GET', `/v1/campaigns/${id}/messages`)).json().items;
    expect(messages.map((message: Json) => message.status)).toEqual(['queued', 'queued']);
    expect(messages[0].waitReason).toBe(`waiting: outside its send window (${sendWindow.from}–${sendWindow.to} UTC); it opens at ${new Date(opening).toISOString()}`);
    const stored = await world.deps.models.Message.find({ campaignId: id }, { notBefore: 1, releasedAt: 1 }).lean();
    expect(stored.map((message) => message.notBefore?.getTime())).toEqual([opening, opening]);
    expect(stored.every((message) => !message.releasedAt)).toBe(true);
    expect(sentTo(world, '4915100000010')).toBe(0);
    expect((await world.api('GET', `/v1/campaigns/${id}`)).json().status).toBe('running');
  });

  it("recipient zones: those whose window is open are sent, the others wait and do not hold them back", async () => {
    const now = Date.now();
    // Open in Berlin now, closed in Tokyo (7 or 8 hours ahead) whatever the time of day.
    const sendWindow = { from: clockIn('Europe/Berlin', now - HOUR), to: clockIn('Europe/Berlin', now + HOUR), timezone: 'recipient' };
    const tokyo = Array.from({ length: 5 }, (_, n) => ({ to: `+81901234567${n}` }));
    const berlin = Array.from({ length: 5 }, (_, n) => ({ to: `+4915100000${20 + n}` }));
    const created = (await create({ recipients: [...tokyo, ...berlin], sendWindow })).json();
    expect(created.estimate.warnings.join(' ')).toMatch(/5 recipients are outside the send window now/);
    await world.waitFor(async () => berlin.every((recipient) => sentTo(world, recipient.to.slice(1)) === 1), 'the Berlin messages to be sent');
    const messages = (await world.api('GET', `/v1/campaigns/${created.id}/messages?status=queued`)).json().items;
    expect(messages.map((message: Json) => message.to).sort()).toEqual(tokyo.map((recipient) => recipient.to.slice(1)).sort());
    expect(messages[0].waitReason).toMatch(new RegExp(`^waiting: outside its send window \\(${sendWindow.from}–${sendWindow.to} Asia/Tokyo\\); it opens at `));
    expect(tokyo.every((recipient) => sentTo(world, recipient.to.slice(1)) === 0)).toBe(true);
  });

  it('a window that closes mid-campaign stops the rest: released ones come back, the others stay', async () => {
    await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: 4 });
    try {
      const now = Date.now();
      const open = { from: clockIn('UTC', now - HOUR), to: clockIn('UTC', now + HOUR), timezone: 'UTC' };
      const recipients = Array.from({ length: 40 }, (_, n) => ({ to: `+4915100001${String(n).padStart(3, '0')}` }));
      const created = (await create({ recipients, sendWindow: open })).json();
      await campaignWhen(world, created.id, (campaign) => campaign.counts.accepted + campaign.counts.sent >= 3, 'a few sends');
      // The window closes (as if its end had come): moved in the database, as the clock would.
      const closed = { from: clockIn('UTC', now + 2 * HOUR), to: clockIn('UTC', now + 3 * HOUR), timezone: 'UTC' };
      await world.deps.models.Campaign.updateOne({ _id: created.id }, { $set: { sendWindow: closed } });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const sentAfterClose = world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).length;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).length).toBe(sentAfterClose);
      const waiting = await world.deps.models.Message.find({ campaignId: created.id, status: 'queued' }, { releasedAt: 1, notBefore: 1, waitReason: 1 }).lean();
      expect(waiting.length).toBeGreaterThan(20);
      expect(waiting.every((message) => !message.releasedAt)).toBe(true);
      // Those the sender bounced carry the window's opening; the rest are simply not released.
      const bounced = waiting.filter((message) => message.notBefore);
      expect(bounced.every((message) => /outside its send window/.test(message.waitReason ?? ''))).toBe(true);
    } finally {
      await world.api('PATCH', `/v1/credentials/${credentialId}`, { messagesPerSecond: null });
    }
  });
});
