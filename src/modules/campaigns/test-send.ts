/**
 * Test sends (contract §3): a campaign's template to up to five numbers — the client's own phones
 * — before (or while) the campaign runs. They are messages of the campaign marked `test`, so they
 * use its template and are visible in the message API, but they are not counted in the campaign,
 * not listed with its messages, not in its report, and not held by its status: the dispatcher
 * releases them like single messages. They carry the first recipient's personalisation, so the
 * tester sees what a real recipient will get.
 */
import { Types } from 'mongoose';
import type { Deps } from '../../deps.js';
import { notFound } from '../../errors.js';
import { markSenderActive } from '../../sending/active-senders.js';
import { loadSendableCredential } from './campaigns.service.js';
import { screenRecipients } from './recipients.js';

type TestSendDeps = Pick<Deps, 'models' | 'redis' | 'keyPrefix' | 'log'>;

export function createTestSends(deps: TestSendDeps) {
  const { Campaign, Message } = deps.models;

  return {
    async send(clientId: string, campaignId: string, numbers: string[]) {
      const campaign = await Campaign.findOne({ _id: campaignId, clientId }, { credentialId: 1 }).lean();
      if (!campaign) throw notFound(`Campaign ${campaignId}`);
      const credential = await loadSendableCredential(deps.models, clientId, String(campaign.credentialId));
      const { accepted, rejected } = await screenRecipients(deps.models, clientId, numbers.map((to) => ({ to })));
      const sample = await Message.findOne({ campaignId, test: { $ne: true } }, { components: 1 }).lean();
      const now = new Date();
      const messages = accepted.map((recipient) => ({
        _id: new Types.ObjectId(),
        clientId: credential.clientId,
        campaignId: campaign._id,
        credentialId: credential._id,
        to: recipient.phone,
        kind: 'template',
        components: sample?.components ?? undefined,
        test: true,
        status: 'queued',
        statusHistory: [{ status: 'queued', at: now, note: 'test send' }],
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      }));
      if (messages.length > 0) {
        await Message.insertMany(messages, { lean: true });
        await markSenderActive(deps.redis, deps.keyPrefix, String(credential._id)).catch((error) => {
          deps.log.warn({ err: error, campaignId }, 'could not wake the dispatcher for a test send; the reconciler will');
        });
      }
      return {
        id: campaignId,
        messages: messages.map((message) => ({ id: String(message._id), to: message.to, status: 'queued' as const })),
        rejected,
      };
    },
  };
}
