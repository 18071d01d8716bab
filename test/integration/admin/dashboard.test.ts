/**
 * The dashboard's figures from real records: today's messages by status, sends per minute over
 * the last hour (Meta-accepted messages), campaigns running or paused with their reasons, queue
 * depths, and the credentials that need attention.
 */
import { Types } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDashboardData } from '../../../admin/dashboard/dashboard-data.js';
import { createTestDeps, type TestDeps } from '../../helpers/build-app.js';
import { seedCampaign, seedPanelFixture, type PanelFixture } from './fixtures.js';

let t: TestDeps;
let fixture: PanelFixture;
const now = new Date();
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

beforeAll(async () => {
  t = await createTestDeps();
  fixture = await seedPanelFixture(t.deps);
  const base = { clientId: fixture.clientId, credentialId: fixture.credentialId, kind: 'template', attempts: 1 };
  await t.deps.models.Message.insertMany([
    ...[0, 0, 0, 5, 5, 59].map((ago) => ({ ...base, to: '4917000000001', status: 'delivered', acceptedAt: minutesAgo(ago) })),
    { ...base, to: '4917000000002', status: 'failed', error: { code: 131026 } },
    // Accepted 2 hours ago, created yesterday: neither in the chart nor in today's counts.
    { ...base, _id: Types.ObjectId.createFromTime(Math.floor((now.getTime() - 86_400_000) / 1000)), to: '4917000000003', status: 'read', acceptedAt: minutesAgo(120) },
  ]);
  const pausedId = await seedCampaign(t.deps, fixture.clientId, fixture.credentialId, 'running', 1);
  await t.deps.models.Campaign.updateOne({ _id: pausedId }, { $set: { status: 'paused', pausedReason: 'Template paused by Meta.', pausedBy: 'system' } });
  await t.deps.models.Credential.updateOne({ _id: fixture.credentialId }, { $set: { 'phone.qualityRating': 'RED' } });
  await t.deps.queues.send.add('probe', {}, { delay: 60_000 });
});
afterAll(async () => {
  await t?.close();
});

describe('dashboard data', () => {
  it('counts today, charts sends per minute, and lists what needs an operator', async () => {
    const data = await loadDashboardData(t.deps, now);
    // The fixture's campaign adds 3 queued messages and the paused one 1.
    expect(data.today).toMatchObject({ delivered: 6, failed: 1, queued: 4, read: 0 });
    expect(data.perMinute).toHaveLength(60);
    expect(data.perMinute.reduce((sum, point) => sum + point.count, 0)).toBe(6);
    expect(data.perMinute.at(-1)!.count).toBe(3);
    expect(data.perMinute.at(-6)!.count).toBe(2);
    expect(data.perMinute[0].count).toBe(1);
    expect(data.campaigns.map((campaign) => [campaign.status, campaign.pausedReason])).toEqual(expect.arrayContaining([
      ['running', null], ['paused', 'Template paused by Meta.'],
    ]));
    expect(data.credentials).toEqual([expect.objectContaining({ id: fixture.credentialId, status: 'connected', quality: 'RED' })]);
    expect(data.queues.find((queue) => queue.name === 'send')!.counts).toMatchObject({ delayed: 1 });
  });
});
