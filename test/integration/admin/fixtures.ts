/**
 * A small world for the panel's integration tests, written through the same services the API
 * uses where they exist: a client with an API key, a credential with sealed secrets (marked
 * connected, as verification would), a running campaign with queued messages, and operators.
 */
import { Types } from 'mongoose';
import type { Deps } from '../../../src/deps.js';
import { createClientsService } from '../../../src/modules/clients/clients.service.js';
import { createCredentialsService } from '../../../src/modules/credentials/credentials.service.js';
import { createOperator } from './admin-client.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
export const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' };
export const ACCESS_TOKEN = 'EAAGtestAccessTokenThatMustNeverLeave1234567890';
export const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

export interface PanelFixture {
  clientId: string;
  apiKey: string;
  credentialId: string;
  campaignId: string;
}

export async function seedOperators(deps: Deps) {
  await createOperator(deps, ADMIN.email, ADMIN.password, 'admin');
  await createOperator(deps, VIEWER.email, VIEWER.password, 'viewer');
}

export async function seedPanelFixture(deps: Deps): Promise<PanelFixture> {
  const { clientId, apiKey } = await createClientsService(deps).createClient('Acme');
  const credential = await createCredentialsService(deps).create(clientId, {
    name: 'Acme main number', wabaId: '100000000000042', phoneNumberId: '200000000000042', accessToken: ACCESS_TOKEN, appSecret: APP_SECRET,
  });
  await deps.models.Credential.updateOne({ _id: credential.id }, {
    $set: { status: 'connected', phone: { displayPhoneNumber: '+1 555-010-0042', qualityRating: 'GREEN', messagingLimitTier: 'TIER_1K' } },
  });
  const campaignId = await seedCampaign(deps, clientId, credential.id, 'running', 3);
  return { clientId, apiKey, credentialId: credential.id, campaignId };
}

export async function seedCampaign(deps: Deps, clientId: string, credentialId: string, status: string, size: number): Promise<string> {
  const campaignId = new Types.ObjectId();
  const now = new Date();
  await deps.models.Message.insertMany(Array.from({ length: size }, (_, n) => ({
    clientId, campaignId, credentialId, to: `4917012345${n}`, kind: 'template', status: 'queued',
    statusHistory: [{ status: 'queued', at: now }], attempts: 0,
  })));
  await deps.models.Campaign.create({
    _id: campaignId, clientId, credentialId, name: `Campaign ${status}`, status,
    template: { name: 'welcome_offer', language: 'en_US' },
    counts: { total: size, queued: size }, startedAt: status === 'running' ? now : undefined,
  });
  return String(campaignId);
}
