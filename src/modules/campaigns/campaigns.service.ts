/**
 * Campaigns: acceptance (screening, template check, bulk insert), life cycle (pause, resume,
 * cancel) and reads. Messages are written before the campaign record that makes them sendable,
 * so a crash mid-insert leaves nothing the dispatcher would send (the reconciler removes orphans).
 */
import { Types } from 'mongoose';
import type { Deps } from '../../deps.js';
import { AppError, invalidState, notFound } from '../../errors.js';
import { isRetryableLater } from '../../meta/classify.js';
import { findPage, type PageRequest } from '../../lib/pagination.js';
import { QUEUE } from '../../queues/names.js';
import { markSenderActive } from '../../sending/active-senders.js';
import { planSendWindow } from '../../sending/send-window-plan.js';
import type { CampaignStatus, MessageStatus } from '../../db/models/campaign.model.js';
import { announceCampaignStatus } from '../events/announce.js';
import { createTransitions } from '../messages/transitions.js';
import { assertParametersFit, checkTemplate } from '../templates/template-check.js';
import { campaignView, countsOf, messageView } from './campaign-view.js';
import type { CreateCampaignInput } from './campaigns.schemas.js';
import { estimateCampaign } from './estimate.js';
import { screenRecipients } from './recipients.js';

type CampaignDeps = Pick<Deps, 'models' | 'redis' | 'queues' | 'keyPrefix' | 'log'>;

const INSERT_BATCH = 5_000;

/** Which status each action may start from, and where it leads. */
const TRANSITIONS: Record<'pause' | 'resume' | 'cancel', CampaignStatus[]> = {
  pause: ['scheduled', 'running'],
  resume: ['paused'],
  cancel: ['scheduled', 'running', 'paused'],
};

export async function loadSendableCredential(models: Deps['models'], clientId: string, credentialId: string) {
  const credential = await models.Credential.findOne({ _id: credentialId, clientId }, { accessToken: 0, appSecret: 0 }).lean();
  if (!credential) {
    throw new AppError('not_found', `Credential ${credentialId} was not found.`, { details: [{ field: 'credentialId', in: 'body', message: 'was not found' }] });
  }
  if (credential.status !== 'connected') {
    const why = credential.lastError ? ` ${credential.lastError}` : credential.status === 'pending' ? ' Its verification has not finished yet.' : '';
    throw new AppError('invalid_state', `Credential ${credentialId} is ${credential.status}, so nothing can be sent through it.${why}`, {
      details: [{ field: 'credentialId', in: 'body', message: `is ${credential.status}` }],
    });
  }
  return credential;
}

export function createCampaignsService(deps: CampaignDeps) {
  const { Campaign, Message } = deps.models;

  async function findOwned(clientId: string, id: string) {
    const campaign = await Campaign.findOne({ _id: id, clientId }).lean();
    if (!campaign) throw notFound(`Campaign ${id}`);
    return campaign;
  }

  /** The `campaign.status` event, from the campaign as it is now. */
  async function announceStatus(campaignId: Types.ObjectId | string) {
    const campaign = await Campaign.findById(campaignId, { clientId: 1, status: 1, pausedReason: 1, counts: 1 }).lean();
    if (campaign) announceCampaignStatus(deps.models, campaign);
  }

  async function wakeSender(credentialId: string) {
    try {
      await markSenderActive(deps.redis, deps.keyPrefix, credentialId);
    } catch (error) {
      deps.log.warn({ err: error, credentialId }, 'could not wake the dispatcher; the reconciler will');
    }
  }

  async function scheduleStart(campaignId: string, at: Date) {
    try {
      await deps.queues[QUEUE.maintenance].add('start-campaign', { campaignId }, {
        jobId: `start-${campaignId}`, delay: Math.max(0, at.getTime() - Date.now()), removeOnComplete: true, removeOnFail: 100,
      });
    } catch (error) {
      deps.log.warn({ err: error, campaignId }, 'could not schedule the campaign start; the reconciler will start it');
    }
  }

  /** Moves every queued message of a campaign to `status` and keeps the counters exact. */
  async function settleQueued(campaignId: Types.ObjectId | string, status: MessageStatus, note: string) {
    const at = new Date();
    const result = await Message.updateMany(
      { campaignId, status: 'queued' },
      { $set: { status }, $push: { statusHistory: { status, at, note } } },
    );
    if (result.modifiedCount > 0) {
      await Campaign.updateOne({ _id: campaignId }, {
        $inc: { 'counts.queued': -result.modifiedCount, [`counts.${status}`]: result.modifiedCount },
        $set: { lastActivityAt: at },
      });
    }
    return result.modifiedCount;
  }

  return {
    async create(clientId: string, input: CreateCampaignInput) {
      const credential = await loadSendableCredential(deps.models, clientId, input.credentialId);
      const template = await checkTemplate(deps.models, input.credentialId, input.template);
      const { accepted, rejected } = await screenRecipients(deps.models, clientId, input.recipients);
      assertParametersFit(template.parameters, input.template.components, accepted);

      const now = new Date();
      const scheduledAt = input.scheduledAt ? new Date(input.scheduledAt) : undefined;
      const startsAt = scheduledAt && scheduledAt > now ? scheduledAt : now;
      const counts = countsOf({ total: accepted.length, queued: accepted.length });
      const phones = accepted.map((recipient) => recipient.phone);
      const windowPlan = input.sendWindow ? planSendWindow(input.sendWindow, phones, startsAt) : undefined;
      const estimate = await estimateCampaign(deps, credential, { phones, startsAt, sendWindow: input.sendWindow, windowPlan });
      if (input.dryRun) return { statusCode: 200, body: { counts, rejected, estimate } };

      const campaignId = new Types.ObjectId();
      for (let start = 0; start < accepted.length; start += INSERT_BATCH) {
        await Message.insertMany(accepted.slice(start, start + INSERT_BATCH).map((recipient) => ({
          _id: new Types.ObjectId(),
          clientId: credential.clientId,
          campaignId,
          credentialId: credential._id,
          to: recipient.phone,
          ref: recipient.ref,
          kind: 'template',
          components: recipient.components,
          status: 'queued',
          statusHistory: [{ status: 'queued', at: now }],
          attempts: 0,
          // Outside its send window at the start: not released before the window opens.
          ...windowPlan?.waitFields(recipient.phone),
          // `lean` inserts skip Mongoose's casting and timestamps (that is what makes them fast).
          createdAt: now,
          updatedAt: now,
        })), { ordered: false, lean: true });
      }

      const status: CampaignStatus = accepted.length === 0 ? 'completed' : startsAt > now ? 'scheduled' : 'running';
      await Campaign.create({
        _id: campaignId,
        clientId: credential.clientId,
        credentialId: credential._id,
        name: input.name,
        status,
        template: { ...input.template, category: template.category },
        counts,
        rejectedCount: rejected.length,
        scheduledAt,
        startedAt: status === 'running' ? now : undefined,
        completedAt: status === 'completed' ? now : undefined,
        sendWindow: input.sendWindow,
      });
      announceCampaignStatus(deps.models, { _id: campaignId, clientId: credential.clientId, status, counts });
      if (status === 'running') await wakeSender(String(credential._id));
      if (status === 'scheduled') await scheduleStart(String(campaignId), startsAt);
      return { statusCode: 202, body: { id: String(campaignId), status, counts, rejected, estimate } };
    },

    async list(clientId: string, request: PageRequest & { status?: CampaignStatus }) {
      const filter: Record<string, unknown> = { clientId };
      if (request.status) filter.status = request.status;
      return findPage(Campaign, filter, request, campaignView);
    },

    async get(clientId: string, id: string) {
      return campaignView(await findOwned(clientId, id));
    },

    async messages(clientId: string, id: string, request: PageRequest & { status?: MessageStatus }) {
      await findOwned(clientId, id);
      const filter: Record<string, unknown> = { campaignId: id, clientId, test: { $ne: true } };
      if (request.status) filter.status = request.status;
      return findPage(Message, filter, request, messageView);
    },

    async pause(clientId: string, id: string, reason = 'Paused by the client.', by = 'client') {
      const campaign = await findOwned(clientId, id);
      const updated = await Campaign.findOneAndUpdate(
        { _id: id, status: { $in: TRANSITIONS.pause } },
        { $set: { status: 'paused', pausedReason: reason, pausedBy: by } },
        { new: true },
      ).lean();
      if (!updated) throw invalidState(`Campaign ${id} is ${campaign.status}; only scheduled or running campaigns can be paused.`);
      announceCampaignStatus(deps.models, updated);
      return { id, status: updated.status };
    },

    async resume(clientId: string, id: string) {
      const campaign = await findOwned(clientId, id);
      if (!TRANSITIONS.resume.includes(campaign.status as CampaignStatus)) {
        throw invalidState(`Campaign ${id} is ${campaign.status}; only paused campaigns can be resumed.`);
      }
      await loadSendableCredential(deps.models, clientId, String(campaign.credentialId));
      const now = new Date();
      const next: CampaignStatus = campaign.scheduledAt && campaign.scheduledAt > now && !campaign.startedAt ? 'scheduled' : 'running';
      const updated = await Campaign.findOneAndUpdate(
        { _id: id, status: 'paused' },
        { $set: { status: next, ...(next === 'running' && !campaign.startedAt ? { startedAt: now } : {}) }, $unset: { pausedReason: 1, pausedBy: 1 } },
        { new: true },
      ).lean();
      if (!updated) throw invalidState(`Campaign ${id} changed while resuming; fetch it and try again.`);
      if (next === 'running') {
        await wakeSender(String(campaign.credentialId));
        // It may have finished while paused (all in-flight messages settled).
        await createTransitions(deps.models).completeIfDone(id);
      } else {
        await scheduleStart(id, campaign.scheduledAt!);
      }
      const fresh = await Campaign.findById(id, { clientId: 1, status: 1, counts: 1 }).lean();
      announceCampaignStatus(deps.models, fresh!);
      return { id, status: fresh!.status as CampaignStatus };
    },

    async cancel(clientId: string, id: string) {
      const campaign = await findOwned(clientId, id);
      const updated = await Campaign.findOneAndUpdate(
        { _id: id, status: { $in: TRANSITIONS.cancel } },
        { $set: { status: 'cancelled', cancelledAt: new Date() }, $unset: { pausedReason: 1, pausedBy: 1 } },
        { new: true },
      ).lean();
      if (!updated) throw invalidState(`Campaign ${id} is ${campaign.status}; it can no longer be cancelled.`);
      await settleQueued(id, 'cancelled', 'campaign cancelled');
      await announceStatus(id);
      return { id, status: 'cancelled' as const };
    },

    settleQueued,

    /**
     * Failed messages go back to `queued`: those whose Meta error is worth retrying later, or
     * every failure with `all`. A campaign that had completed runs again for them.
     */
    async retryFailed(clientId: string, id: string, options: { all?: boolean } = {}) {
      const campaign = await findOwned(clientId, id);
      if (campaign.status === 'cancelled') throw invalidState(`Campaign ${id} is cancelled; its failed messages cannot be retried.`);
      const failed = await Message.find({ campaignId: id, status: 'failed', test: { $ne: true } }, { _id: 1, 'error.code': 1 }).lean();
      const chosen = failed.filter((message) => options.all || isRetryableLater(message.error?.code ?? undefined)).map((message) => message._id);
      if (chosen.length === 0) return { id, requeued: 0 };
      const at = new Date();
      const result = await Message.updateMany(
        { _id: { $in: chosen }, status: 'failed' },
        {
          $set: { status: 'queued', attempts: 0 },
          $unset: { releasedAt: 1, notBefore: 1, failedAt: 1, errorKind: 1 },
          $push: { statusHistory: { status: 'queued', at, note: 'retry of a failed message' } },
        },
      );
      const requeued = result.modifiedCount;
      await Campaign.updateOne({ _id: id }, {
        $inc: { 'counts.failed': -requeued, 'counts.queued': requeued },
        $set: { lastActivityAt: at },
        ...(campaign.status === 'completed' ? { $unset: { completedAt: 1 } } : {}),
      });
      if (campaign.status === 'completed' && (await Campaign.updateOne({ _id: id, status: 'completed' }, { $set: { status: 'running' } })).modifiedCount === 1) {
        await announceStatus(id);
      }
      if (requeued > 0) await wakeSender(String(campaign.credentialId));
      return { id, requeued };
    },

    /** Before a credential is deleted: its campaigns and queued single messages are cancelled. */
    async cancelAllForCredential(credentialId: string) {
      const active = await Campaign.find({ credentialId, status: { $in: TRANSITIONS.cancel } }, { _id: 1, clientId: 1 }).lean();
      for (const campaign of active) {
        await this.cancel(String(campaign.clientId), String(campaign._id)).catch((error: unknown) => {
          if (!(error instanceof AppError)) throw error;
        });
      }
      const at = new Date();
      await Message.updateMany(
        { credentialId, campaignId: null, status: 'queued' },
        { $set: { status: 'cancelled' }, $push: { statusHistory: { status: 'cancelled', at, note: 'credential deleted' } } },
      );
    },

    /** The system pauses a campaign (template rejected, quality drop) with a reason an operator can act on. */
    async pauseBySystem(campaignId: string, reason: string) {
      const paused = await Campaign.findOneAndUpdate(
        { _id: campaignId, status: { $in: TRANSITIONS.pause } },
        { $set: { status: 'paused', pausedReason: reason, pausedBy: 'system' } },
        { new: true, projection: { clientId: 1, status: 1, pausedReason: 1, counts: 1 } },
      ).lean();
      if (paused) announceCampaignStatus(deps.models, paused);
      return paused !== null;
    },

    /** A credential-level problem pauses everything that sends through it. */
    async pauseAllForCredential(credentialId: string, reason: string, filter: Record<string, unknown> = {}) {
      const active = await Campaign.find({ credentialId, status: { $in: TRANSITIONS.pause }, ...filter }, { _id: 1 }).lean();
      let paused = 0;
      for (const campaign of active) if (await this.pauseBySystem(String(campaign._id), reason)) paused++;
      return paused;
    },
  };
}

export type CampaignsService = ReturnType<typeof createCampaignsService>;
