/**
 * Sends one released message: checks it may still go, waits for its slot in the sender's pace,
 * claims it (`queued` → `sending`, a compare-and-set: at most one send per message), calls the
 * Graph API, and records the wamid before the job completes (invariant 2). Every Meta error is
 * classified once and handled by its class (invariant 4), see `outcomes.ts`.
 */
import { DelayedError, type Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { CUSTOMER_SERVICE_WINDOW_MS } from '../../src/db/models/contact.model.js';
import { batched } from '../../src/lib/batched.js';
import { TtlCache } from '../../src/lib/ttl-cache.js';
import { MetaApiError, MetaTransportError } from '../../src/meta/errors.js';
import type { Auth } from '../../src/meta/graph-client.js';
import type { Component } from '../../src/modules/campaigns/components.js';
import { createCredentialsService } from '../../src/modules/credentials/credentials.service.js';
import { createTransitions } from '../../src/modules/messages/transitions.js';
import { acquireSlot, cancelDeparture, departNow, settleDeparture } from '../../src/sending/pace.js';
import { buildPayload } from '../../src/sending/payload.js';
import { baseRate } from '../../src/sending/rate.js';
import { createWindowCheck, type SendWindowSpec } from '../../src/sending/send-window.js';
import { reserveTierPlace, tierLimit } from '../../src/sending/tier.js';
import { createOutcomes, UNCERTAIN_GRACE_MS, type SendContext, type SenderOptions } from './outcomes.js';

/** Waits up to this long in-process for a slot; longer waits go back to Redis as delayed jobs. */
const PACE_HORIZON_MS = 1_000;
/** A departure answered later than this is not used (see waitForDeparture). */
const LATE_DEPARTURE_MS = 20;
/** The longest a send waits before asking the hard cap again. */
const RECHECK_CAP_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CampaignLite {
  status: string;
  template: { name: string; language: string; components?: Component[] };
  sendWindow?: SendWindowSpec | null;
}

export function createSender(deps: Deps, options: SenderOptions = {}) {
  const uncertainGraceMs = options.uncertainGraceMs ?? UNCERTAIN_GRACE_MS;
  const { Message, Campaign, Contact } = deps.models;
  const transitions = createTransitions(deps.models);
  const credentials = createCredentialsService(deps);
  const credentialCache = new TtlCache<string, Awaited<ReturnType<typeof credentials.loadAuth>>>(5_000);
  const outcomes = createOutcomes(deps, transitions, { ...options, onStaleCredential: (id) => credentialCache.delete(id) });
  // Short, so that pause and cancel take effect within a second.
  const campaignCache = new TtlCache<string, CampaignLite | null>(250);

  // The history is only ever appended to here, never read, and it grows with every retry and webhook.
  const loadMessages = batched(async (ids: string[]) => {
    const found = await Message.find({ _id: { $in: ids } }, { statusHistory: 0 }).lean();
    const byId = new Map(found.map((message) => [String(message._id), message]));
    return ids.map((id) => byId.get(id) ?? null);
  });

  const loadCampaign = (id: string) => campaignCache.get(id, async () =>
    (await Campaign.findById(id, { status: 1, template: 1, sendWindow: 1 }).lean()) as CampaignLite | null);

  // Most campaign audiences never wrote to the number: one cheap check per credential spares a
  // lookup per message. Stale for a few seconds at most, which only errs toward counting the tier.
  const anyWindowOpen = new TtlCache<string, boolean>(5_000);

  async function inServiceWindow(credentialId: unknown, to: string): Promise<boolean> {
    const open = await anyWindowOpen.get(String(credentialId), async () => Boolean(
      await Contact.exists({ credentialId, lastInboundAt: { $gt: new Date(Date.now() - CUSTOMER_SERVICE_WINDOW_MS) } }),
    ));
    if (!open) return false;
    const contact = await Contact.findOne({ credentialId, phone: to }, { lastInboundAt: 1 }).lean();
    return Boolean(contact?.lastInboundAt && Date.now() - contact.lastInboundAt.getTime() < CUSTOMER_SERVICE_WINDOW_MS);
  }

  /**
   * A send that got no answer stays `sending` while its status webhook may still come; once the
   * grace period has passed without one, it goes back to the queue to be sent again.
   */
  async function resendIfUnanswered(message: { _id: unknown; status: string; uncertainAt?: Date | null }) {
    if (message.status !== 'sending' || !message.uncertainAt) return false;
    if (Date.now() - message.uncertainAt.getTime() < uncertainGraceMs) return false;
    const moved = await transitions.move(String(message._id), 'queued', {
      from: ['sending'], where: { uncertainAt: message.uncertainAt },
      note: 'no answer from Meta and no status webhook within the grace period; sending again',
      unset: ['uncertainAt', 'sendingSince'],
    });
    return moved !== null;
  }

  /**
   * Waits for the reserved slot, then for the hard cap to let this send leave (see pace.ts). A
   * departure is only used if Redis's reply came back promptly: after a stall of the event loop,
   * several replies resolve at once and their sends would leave together, so a late one is given
   * back and asked for again. Returns the departure's Redis time, for `settle`.
   */
  async function waitForDeparture(phoneNumberId: string, pace: { waitMs: number; rate: number }, reservedAt: number, messageId: string): Promise<{ waited: number; departedAt: number }> {
    const untilSlot = reservedAt + pace.waitMs - Date.now();
    if (untilSlot > 0) await sleep(untilSlot);
    for (;;) {
      const asked = Date.now();
      const departure = await departNow(deps.redis, deps.keyPrefix, phoneNumberId, pace.rate, messageId);
      if (departure.waitMs > 0) {
        // Sends still waiting for their answer count until it comes, which may be any moment.
        await sleep(Math.min(departure.waitMs, RECHECK_CAP_MS));
      } else if (Date.now() - asked > LATE_DEPARTURE_MS) {
        await cancelDeparture(deps.redis, deps.keyPrefix, phoneNumberId, messageId);
      } else {
        return { waited: Date.now() - reservedAt, departedAt: departure.at };
      }
    }
  }

  /** The send ended, answered or not: how long it still counts toward the pace is settled (pace.ts). */
  function settle(phoneNumberId: string, messageId: string, departedAt: number, answered: boolean) {
    // Not awaited: until it lands the send simply counts as unanswered.
    settleDeparture(deps.redis, deps.keyPrefix, phoneNumberId, messageId, departedAt, answered).catch(() => {});
  }

  /**
   * A job that finds its own message already `sending` (and not yet known to be unanswered) is
   * running again after its previous run died mid-send (a killed worker: BullMQ saw the job
   * stall). Meta may have the message, so it is treated like a lost answer: its status webhook
   * is awaited for the grace period before the message is sent again.
   */
  async function awaitWebhookAfterCrash(job: Job, token: string | undefined, message: { _id: unknown; status: string; uncertainAt?: Date | null }) {
    if (message.status !== 'sending' || message.uncertainAt) return;
    await Message.updateOne({ _id: message._id, status: 'sending', uncertainAt: null }, {
      $set: { uncertainAt: new Date(), waitReason: 'the worker sending it stopped mid-send; waiting for its status webhook before resending' },
    });
    await job.moveToDelayed(Date.now() + uncertainGraceMs, token);
    throw new DelayedError();
  }

  /** Is the message still meant to go now? If not, it is put back or settled and null returned. */
  async function preflight(job: Job, token: string | undefined, messageId: string) {
    let message = await loadMessages(messageId);
    if (message) await awaitWebhookAfterCrash(job, token, message);
    if (message && (await resendIfUnanswered(message))) message = await loadMessages(messageId);
    if (!message || message.status !== 'queued') return null;
    const loaded = await credentialCache.get(String(message.credentialId), () => credentials.loadAuth(String(message.credentialId)));
    if (!loaded) {
      await transitions.move(messageId, 'cancelled', { from: ['queued'], note: 'credential deleted' });
      return null;
    }
    if (loaded.doc.status !== 'connected') {
      await outcomes.unrelease(messageId, `waiting: the credential is ${loaded.doc.status}`);
      return null;
    }
    let campaign: CampaignLite | null = null;
    if (message.campaignId && !message.test) {
      campaign = await loadCampaign(String(message.campaignId));
      if (!campaign || campaign.status === 'cancelled') {
        await transitions.move(messageId, 'cancelled', { from: ['queued'], note: 'campaign cancelled' });
        return null;
      }
      if (campaign.status !== 'running') {
        await outcomes.unrelease(messageId, `waiting: the campaign is ${campaign.status}`);
        return null;
      }
      // Released just before its send window closed: back until it opens again.
      const window = campaign.sendWindow ? createWindowCheck(campaign.sendWindow, new Date()) : undefined;
      const opening = window?.opensAt(message.to);
      if (window && opening) {
        await outcomes.unrelease(messageId, window.waitReason(message.to)!, opening.getTime() - Date.now());
        return null;
      }
    } else if (message.campaignId) {
      campaign = await loadCampaign(String(message.campaignId));
    }
    return { message, credential: loaded.doc, auth: loaded.auth as Auth, campaign };
  }

  async function send(job: Job, token: string | undefined, messageId: string): Promise<string> {
    const ready = await preflight(job, token, messageId);
    if (!ready) return 'skipped';
    const { message, credential, auth, campaign } = ready;
    const context: SendContext = { job, token, messageId, message, credential };

    // The messaging limit counts unique recipients reached outside a customer-service window.
    if (message.kind === 'template' && !(await inServiceWindow(credential._id, message.to))) {
      const limit = tierLimit(credential.phone?.messagingLimitTier);
      const waitMs = await reserveTierPlace(deps.redis, deps.keyPrefix, credential.wabaId, message.to, limit);
      if (waitMs > 0) {
        await outcomes.unrelease(messageId, `waiting: the messaging limit (${credential.phone?.messagingLimitTier ?? 'TIER_250'}) is used up; a place frees up at ${new Date(Date.now() + waitMs).toISOString()}`, waitMs);
        return 'tier-wait';
      }
    }

    const reservedAt = Date.now();
    const pace = await acquireSlot(deps.redis, deps.keyPrefix, credential.phoneNumberId, {
      baseRate: baseRate(credential), horizonMs: PACE_HORIZON_MS, to: message.to,
    });
    if (pace.kind !== 'go') {
      await job.moveToDelayed(Date.now() + pace.retryInMs, token);
      throw new DelayedError();
    }
    // Claim before waiting for the slot, so the time between the slot and the HTTP call is short.
    const claimed = await transitions.move(messageId, 'sending', {
      from: ['queued'], set: { sendingSince: new Date() }, unset: ['waitReason', 'notBefore', 'uncertainAt'], inc: { attempts: 1 },
    });
    if (!claimed) return 'claimed-elsewhere';
    let departure: { waited: number; departedAt: number };
    try {
      departure = await waitForDeparture(credential.phoneNumberId, pace, reservedAt, messageId);
    } catch (error) {
      // Redis went away between the claim and the HTTP call: Meta has nothing, so the message
      // goes straight back to the queue instead of waiting out the grace for an unanswered send.
      await outcomes.park(context, 'waiting: Redis could not be reached before the send');
      throw error;
    }
    deps.metrics.limiterWait.observe(departure.waited / 1000);

    const payload = buildPayload(message as never, campaign?.template);
    const started = process.hrtime.bigint();
    const sent = deps.graph.sendMessage(credential.phoneNumberId, auth, payload);
    sent.then(
      () => settle(credential.phoneNumberId, messageId, departure.departedAt, true),
      (error: unknown) => settle(credential.phoneNumberId, messageId, departure.departedAt, error instanceof MetaApiError),
    );
    try {
      const result = await sent;
      deps.metrics.graphLatency.observe({ result: 'accepted' }, Number(process.hrtime.bigint() - started) / 1e9);
      await outcomes.accepted(context, result);
      return 'accepted';
    } catch (error) {
      deps.metrics.graphLatency.observe({ result: 'error' }, Number(process.hrtime.bigint() - started) / 1e9);
      if (error instanceof MetaApiError) return outcomes.metaError(context, error);
      if (error instanceof MetaTransportError) return outcomes.transportError(context, error);
      deps.log.error({ err: error, messageId }, 'unexpected error while sending');
      return outcomes.retry(context, { code: undefined, title: 'Internal error', details: 'an unexpected error occurred while sending' });
    }
  }

  return {
    send,
    forgetCredential: (credentialId: string) => credentialCache.delete(credentialId),
  };
}
