/** Shared steps of the webhook tests: messages as the send pipeline leaves them, signed posts, waiting for processing. */
import { Types } from 'mongoose';
import type { World } from '../../helpers/world.js';
import { metaSignature } from '../../fixtures/meta/index.js';

export interface SeededMessage {
  id: string;
  wamid: string;
  to: string;
}

/** A campaign whose messages Meta accepted (status `accepted`, wamid recorded), as if just sent. */
export async function seedAcceptedCampaign(world: World, credentialId: string, options: { count: number; wamidPrefix: string; template?: string }) {
  const { Campaign, Message } = world.deps.models;
  const campaignId = new Types.ObjectId();
  const now = new Date();
  const messages: SeededMessage[] = Array.from({ length: options.count }, (_, i) => ({
    id: String(new Types.ObjectId()),
    wamid: `wamid.${options.wamidPrefix}_${i}`,
    to: `55119${String(70000000 + i)}`,
  }));
  for (let start = 0; start < messages.length; start += 5_000) {
    await Message.insertMany(messages.slice(start, start + 5_000).map((message) => ({
      // `lean` inserts skip casting: ids must be ObjectIds already.
      _id: new Types.ObjectId(message.id), clientId: new Types.ObjectId(world.clientId), campaignId, credentialId: new Types.ObjectId(credentialId), to: message.to, kind: 'template', status: 'accepted',
      wamid: message.wamid, attempts: 1, acceptedAt: now, createdAt: now, updatedAt: now,
      statusHistory: [{ status: 'queued', at: now }, { status: 'sending', at: now }, { status: 'accepted', at: now }],
    })), { lean: true });
  }
  await Campaign.create({
    _id: campaignId, clientId: world.clientId, credentialId, name: options.wamidPrefix, status: 'completed', completedAt: now,
    template: { name: options.template ?? 'welcome_offer', language: 'en_US', category: 'MARKETING' },
    counts: { total: options.count, accepted: options.count }, lastActivityAt: now,
  });
  return { campaignId: String(campaignId), messages };
}

/** Posts bytes to the running app over HTTP, signed with the sandbox app secret (or another). */
export async function postSigned(world: World, body: Buffer, secret = world.seed.appSecret): Promise<number> {
  const response = await fetch(`${world.baseUrl}/webhooks/whatsapp`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, secret) },
  });
  await response.arrayBuffer();
  return response.status;
}

/** Waits until the simulator has nothing left to post and every stored event is processed. */
export async function settled(world: World, timeoutMs = 20_000): Promise<void> {
  await world.sim.waitForWebhooks(timeoutMs);
  await world.waitFor(async () => (await world.deps.models.WebhookEvent.countDocuments({ status: 'pending' })) === 0, 'webhook events to be processed', timeoutMs);
}

/** What a message looks like to the outside, for comparing two deliveries. */
export function observable(message: Record<string, any>) {
  return {
    status: message.status,
    history: (message.statusHistory ?? []).map((entry: { status: string; at: Date }) => `${entry.status}@${entry.status === 'queued' || entry.status === 'sending' || entry.status === 'accepted' ? '-' : entry.at.toISOString()}`),
    sentAt: message.sentAt?.toISOString() ?? null,
    deliveredAt: message.deliveredAt?.toISOString() ?? null,
    readAt: message.readAt?.toISOString() ?? null,
    failedAt: message.failedAt?.toISOString() ?? null,
    error: message.error ? { code: message.error.code, title: message.error.title, message: message.error.message } : null,
    pricing: message.pricing ? { ...message.pricing } : null,
  };
}
