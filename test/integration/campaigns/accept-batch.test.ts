/**
 * `transitions.accept` writes the accepted sends of one event-loop turn in one bulkWrite. A
 * bulkWrite only says how many statements matched, so these cover the cases where not all did.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransitions } from '../../../src/modules/messages/transitions.js';
import { createTestDeps, type TestDeps } from '../../helpers/build-app.js';

let testDeps: TestDeps;

beforeAll(async () => {
  testDeps = await createTestDeps();
});

afterAll(async () => {
  await testDeps?.close();
});

async function sendingMessages(count: number) {
  const { Message, Campaign } = testDeps.deps.models;
  const clientId = new Types.ObjectId();
  const campaign = await Campaign.create({
    clientId, credentialId: new Types.ObjectId(), name: 'accept batch', status: 'running',
    template: { name: 'hello', language: 'en_US' }, counts: { total: count, sending: count },
  });
  const messages = await Message.insertMany(Array.from({ length: count }, (_, index) => ({
    clientId, campaignId: campaign._id, credentialId: campaign.credentialId, to: `4915100000${index}`, kind: 'template',
    status: 'sending', statusHistory: [{ status: 'queued', at: new Date() }, { status: 'sending', at: new Date() }],
  })));
  return { campaign, messages: messages.map((message) => message.toObject()) };
}

// Meta may leave wa_id out: an undefined field must not be stored as null.
const acceptedSet = (wamid: string, at: Date) => ({ set: { wamid, waId: undefined, acceptedAt: at }, unset: ['sendingSince'] });

describe('transitions.accept', () => {
  it('moves the concurrent sends in one write; one a webhook moved first is left alone and not counted', async () => {
    const transitions = createTransitions(testDeps.deps.models);
    const { campaign, messages } = await sendingMessages(3);
    // A status webhook got to the second message before its answer was recorded.
    await transitions.move(messages[1]._id, 'sent', { set: { wamid: 'wamid.B' } });
    const at = new Date();
    const moved = await Promise.all(messages.map((message, index) => transitions.accept(message, at, acceptedSet(`wamid.${'ABC'[index]}`, at))));
    expect(moved).toEqual([true, false, true]);

    const stored = await testDeps.deps.models.Message.find({ campaignId: campaign._id }).sort({ _id: 1 }).lean();
    expect(stored.map((message) => message.status)).toEqual(['accepted', 'sent', 'accepted']);
    expect(stored.map((message) => message.wamid)).toEqual(['wamid.A', 'wamid.B', 'wamid.C']);
    expect(stored[0].statusHistory.map((entry) => entry.status)).toEqual(['queued', 'sending', 'accepted']);
    expect(stored[0].statusHistory[2].at).toEqual(at);
    expect(stored[0].updatedAt!.getTime()).toBeGreaterThanOrEqual(at.getTime());
    expect('waId' in stored[0]).toBe(false);
    expect(stored[1].statusHistory.map((entry) => entry.status)).toEqual(['queued', 'sending', 'sent']);

    await transitions.flushCounts();
    const counts = (await testDeps.deps.models.Campaign.findById(campaign._id).lean())!.counts as Record<string, number>;
    expect({ sending: counts.sending, accepted: counts.accepted, sent: counts.sent }).toEqual({ sending: 0, accepted: 2, sent: 1 });
  });

  it('a try again with the same time, after a write that was not acknowledged, moves once; another time does not', async () => {
    const transitions = createTransitions(testDeps.deps.models);
    const { messages: [message] } = await sendingMessages(1);
    const at = new Date();
    expect(await transitions.accept(message, at, acceptedSet('wamid.retry', at))).toBe(true);
    // As if the acknowledgement had been lost: the same move again is recognised as written.
    expect(await transitions.accept(message, at, acceptedSet('wamid.retry', at))).toBe(true);
    expect(await transitions.accept(message, new Date(at.getTime() + 1), acceptedSet('wamid.retry', at))).toBe(false);
    const stored = await testDeps.deps.models.Message.findById(message._id).lean();
    expect(stored!.statusHistory.filter((entry) => entry.status === 'accepted')).toHaveLength(1);
  });
});
