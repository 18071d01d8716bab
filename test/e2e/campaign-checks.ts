/**
 * What every fault test starts and proves: a campaign sent through the stack, and at the end
 * every message in a correct final state, none lost, and none sent twice that Meta accepted
 * (checked on Meta's side, the simulator's log of accepted sends).
 */
import { expect } from 'vitest';
import { SANDBOX_IDS } from '../../src/simulator/sandbox.js';
import type { Stack } from '../helpers/stack.js';

export const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] }] };

let campaigns = 0;

/** A campaign to `size` recipients whose numbers are its own (prefix +447701NN…). */
export async function sendCampaign(stack: Stack, credentialId: string, size: number) {
  const prefix = `447701${String(10 + campaigns++)}`;
  const recipients = Array.from({ length: size }, (_, n) => ({ to: `+${prefix}${String(n).padStart(4, '0')}` }));
  const created = await stack.api('POST', '/v1/campaigns', { name: `fault ${campaigns}`, credentialId, template, recipients });
  expect(created.status).toBe(202);
  return { id: created.body.id as string, prefix, size };
}

export async function campaignWhen(stack: Stack, id: string, predicate: (campaign: any) => boolean, what: string, timeoutMs = 120_000) {
  return stack.waitFor(async () => {
    const campaign = (await stack.api('GET', `/v1/campaigns/${id}`)).body;
    return predicate(campaign) && campaign;
  }, what, timeoutMs);
}

/** Waits for a number of the campaign's messages to have left, so a fault lands mid-campaign. */
export const progressed = (stack: Stack, id: string, sent: number) =>
  campaignWhen(stack, id, (campaign) => campaign.counts.total - campaign.counts.queued >= sent, `${sent} messages sent`);

/**
 * Completed, every message accepted by Meta exactly once and read, nothing failed, and nothing
 * of the campaign left in the queues.
 */
export async function expectSentExactlyOnce(stack: Stack, campaign: { id: string; prefix: string; size: number }) {
  const done = await campaignWhen(stack, campaign.id, (current) => current.status === 'completed' && current.counts.read === campaign.size, 'every message read');
  expect(done.counts).toMatchObject({ total: campaign.size, queued: 0, sending: 0, failed: 0, cancelled: 0, read: campaign.size });

  const accepted = await stack.sim.admin<Array<{ recipient: string }>>('GET', `/requests?phoneNumberId=${SANDBOX_IDS.phoneNumberId}&outcome=accepted`);
  const perRecipient = new Map<string, number>();
  for (const { recipient } of accepted) {
    if (recipient.startsWith(campaign.prefix)) perRecipient.set(recipient, (perRecipient.get(recipient) ?? 0) + 1);
  }
  expect(perRecipient.size).toBe(campaign.size);
  expect([...perRecipient].filter(([, count]) => count > 1)).toEqual([]);

  const messages = stack.db.collection('messages');
  expect(await messages.countDocuments({ to: { $regex: `^${campaign.prefix}` }, status: { $ne: 'read' } })).toBe(0);
  expect((await messages.distinct('wamid', { to: { $regex: `^${campaign.prefix}` } })).length).toBe(campaign.size);
  return done;
}
