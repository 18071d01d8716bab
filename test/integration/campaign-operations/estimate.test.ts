/**
 * The pre-flight estimate and the messaging tier: a campaign larger than what the tier leaves in
 * the moving 24 h is accepted with a warning and waits — the sender never goes over the tier —
 * and the next estimate knows who was reached already and what is queued ahead.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { World } from '../../helpers/world.js';
import { createWorld } from '../../helpers/world.js';
import { campaignWhen, TEMPLATE } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const recipients = Array.from({ length: 60 }, (_, n) => ({ to: `+3361200${String(n).padStart(4, '0')}` }));
const create = (extra: Record<string, unknown> = {}) => world.api('POST', '/v1/campaigns', { name: 'tier', credentialId, template: TEMPLATE, recipients, ...extra });

describe('estimate', () => {
  it('from the number: its rate, the whole tier left, nothing ahead', async () => {
    const response = await create({ dryRun: true });
    expect(response.statusCode).toBe(200);
    expect(response.json().estimate).toEqual({ messagesPerSecond: 80, tierRemaining: 10_000, secondsToComplete: 1, completesAt: expect.any(String), warnings: [] });
  });

  it('a campaign over the tier is accepted with a warning, sends up to the tier and waits', async () => {
    await world.deps.models.Credential.updateOne({ _id: credentialId }, { $set: { 'phone.messagingLimitTier': 'TIER_50' } });
    const created = await create();
    expect(created.statusCode).toBe(202);
    const { estimate, id } = created.json();
    expect(estimate.tierRemaining).toBe(50);
    expect(estimate.secondsToComplete).toBeGreaterThanOrEqual(24 * 3600);
    expect(estimate.warnings).toEqual([expect.stringMatching(/^The messaging limit \(TIER_50\) leaves 50 new recipients in the moving 24 hours, but 60 are needed .*about 1 more day\) and are never sent over it\.$/)]);

    const stalled = await campaignWhen(world, id, (campaign) => campaign.counts.accepted + campaign.counts.sent + campaign.counts.delivered + campaign.counts.read === 50, '50 sends');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const accepted = world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).filter((request) => request.outcome === 'accepted');
    expect(accepted).toHaveLength(50);
    expect(stalled.status).toBe('running');
    const waiting = (await world.api('GET', `/v1/campaigns/${id}/messages?status=queued`)).json().items;
    expect(waiting).toHaveLength(10);
    expect(waiting[0].waitReason).toMatch(/^waiting: the messaging limit \(TIER_50\) is used up; a place frees up at /);
  });

  it('the next estimate counts who was reached already and what is queued ahead', async () => {
    const response = await create({ dryRun: true });
    const { estimate } = response.json();
    expect(estimate.tierRemaining).toBe(0);
    expect(estimate.warnings).toContain('10 messages already queued on this number go first.');
    // The 50 reached in the last 24 h cost nothing again; the 10 not reached, plus the 10 queued ahead, wait.
    expect(estimate.warnings.join(' ')).toMatch(/leaves 0 new recipients in the moving 24 hours, but 20 are needed \(this campaign's 10 not reached in the last 24 hours, plus up to 10 queued before it\)/);
  });
});
