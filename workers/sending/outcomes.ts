/**
 * What happens to a message after its send attempt, by the class of what Meta answered
 * (meta-cloud-api.md §2, invariant 4):
 * transient → back to the queue with exponential backoff and jitter, up to MAX_ATTEMPTS;
 * rate limits → slow the right scope down and retry without burning an attempt;
 * per recipient → failed with Meta's code, title and details;
 * template → the campaign is paused with a reason (a single message fails);
 * credential/account → the credential is marked and everything on it paused;
 * a lost answer → left `sending`: its status webhook (carrying our id) or the reconciler settles it.
 */
import { DelayedError, type Job } from 'bullmq';
import type { Deps } from '../../src/deps.js';
import { TEMPLATE_REJECTED_CODES } from '../../src/meta/classify.js';
import type { MetaApiError, MetaTransportError } from '../../src/meta/errors.js';
import type { SendResult } from '../../src/meta/graph-client.js';
import { createCampaignsService } from '../../src/modules/campaigns/campaigns.service.js';
import { describeCredentialError } from '../../src/modules/credentials/verification.js';
import { announceCredentialStatus } from '../../src/modules/events/announce.js';
import type { AcceptedMessage, Transitions } from '../../src/modules/messages/transitions.js';
import { createOptOutsService } from '../../src/modules/opt-outs/opt-outs.service.js';
import { throttleSender } from '../../src/sending/pace.js';
import { baseRate } from '../../src/sending/rate.js';

export const MAX_ATTEMPTS = 6;
/** How long a send without an answer waits for its status webhook before it is sent again. */
export const UNCERTAIN_GRACE_MS = 15_000;
/** Retries shorter than this stay in Redis as a delayed job; longer ones go back to MongoDB. */
const SHORT_DELAY_MS = 30_000;

export interface SenderOptions {
  /** Overrides UNCERTAIN_GRACE_MS (tests). */
  uncertainGraceMs?: number;
  /** Told when a send failed on secrets that have been replaced since they were loaded. */
  onStaleCredential?: (credentialId: string) => void;
}

export interface SendContext {
  job: Job;
  token: string | undefined;
  messageId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  message: AcceptedMessage & Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  credential: Record<string, any>;
}

interface ErrorInfo {
  code: number | undefined;
  title: string;
  details?: string;
}

export function backoffMs(attempt: number): number {
  const base = Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + Math.random()));
}

const errorFields = (info: ErrorInfo) => ({ code: info.code, title: info.title, message: info.details ?? info.title });

export function createOutcomes(deps: Deps, transitions: Transitions, options: SenderOptions = {}) {
  const uncertainGraceMs = options.uncertainGraceMs ?? UNCERTAIN_GRACE_MS;
  const { Message, Credential } = deps.models;
  const campaigns = createCampaignsService(deps);
  const optOuts = createOptOutsService(deps);
  const count = (outcome: string, code?: number) => deps.metrics.sends.inc({ outcome, code: code === undefined ? '' : String(code) });

  /** Hands a not-yet-claimed message back to the dispatcher, optionally not before `delayMs`. */
  async function unrelease(messageId: string, waitReason: string, delayMs = 0) {
    await Message.updateOne({ _id: messageId, status: 'queued' }, {
      $unset: { releasedAt: 1 },
      $set: { waitReason, ...(delayMs > 0 ? { notBefore: new Date(Date.now() + delayMs) } : {}) },
    });
  }

  /** A claimed message goes back to `queued` for another try, in Redis (short) or MongoDB (long). */
  async function requeue(context: SendContext, delayMs: number, note: string, burnAttempt: boolean): Promise<string> {
    const short = delayMs <= SHORT_DELAY_MS;
    const moved = await transitions.move(context.messageId, 'queued', {
      from: ['sending'],
      note,
      set: { waitReason: note, ...(short ? {} : { notBefore: new Date(Date.now() + delayMs) }) },
      unset: ['sendingSince', ...(short ? [] : ['releasedAt'])],
      ...(burnAttempt ? {} : { inc: { attempts: -1 } }),
    });
    if (moved && short) {
      await context.job.moveToDelayed(Date.now() + delayMs, context.token);
      throw new DelayedError();
    }
    return 'requeued';
  }

  async function fail(context: SendContext, info: ErrorInfo, kind: string): Promise<string> {
    await transitions.move(context.messageId, 'failed', {
      from: ['sending'], set: { error: errorFields(info), errorKind: kind, failedAt: new Date() }, unset: ['sendingSince', 'releasedAt'],
    });
    count('failed', info.code);
    return 'failed';
  }

  /** Back to the dispatcher with no delay and no attempt burned: the campaign or credential state now gates it. */
  async function park(context: SendContext, note: string): Promise<string> {
    await transitions.move(context.messageId, 'queued', {
      from: ['sending'], note, set: { waitReason: note }, unset: ['sendingSince', 'releasedAt'], inc: { attempts: -1 },
    });
    return 'parked';
  }

  async function retry(context: SendContext, info: ErrorInfo): Promise<string> {
    const attempt = (context.message.attempts ?? 0) + 1;
    if (attempt >= MAX_ATTEMPTS) return fail(context, info, 'transient');
    count('retry', info.code);
    await Message.updateOne({ _id: context.messageId }, { $set: { error: errorFields(info) } });
    return requeue(context, backoffMs(attempt), `retry ${attempt + 1} of ${MAX_ATTEMPTS} after: ${info.title}`, true);
  }

  async function credentialFailed(context: SendContext, error: MetaApiError): Promise<string> {
    const { credential } = context;
    const { status, lastError } = describeCredentialError(error, credential as never);
    // Only if the secrets did not change meanwhile: a freshly rotated token is not condemned by the old one's failure.
    const before = await Credential.findOneAndUpdate({ _id: credential._id, secretsVersion: credential.secretsVersion }, {
      $set: { status, lastError, lastCheckedAt: new Date() },
    }, { new: false, projection: { status: 1, clientId: 1 } }).lean();
    if (!before) {
      // The secrets were replaced after this send loaded them (a worker caches them for a few
      // seconds): the old token's failure says nothing about the new one, so nothing is paused.
      options.onStaleCredential?.(String(credential._id));
      return park(context, 'waiting: the credential was updated; sending again with its new secrets');
    }
    if (before.status !== status) announceCredentialStatus(deps.models, before, status, lastError);
    const paused = await campaigns.pauseAllForCredential(String(credential._id), `Paused because credential ${credential._id} is ${status}: ${lastError}`);
    deps.log.warn({ credentialId: String(credential._id), code: error.code, paused }, 'credential failed mid-send');
    count('paused', error.code);
    return park(context, `waiting: the credential is ${status}`);
  }

  async function templateRejected(context: SendContext, error: MetaApiError): Promise<string> {
    const campaignId = context.message.campaignId;
    if (!campaignId || context.message.test) return fail(context, error, 'template');
    const { name, language } = (await deps.models.Campaign.findById(campaignId, { template: 1 }).lean())?.template ?? {};
    const what = TEMPLATE_REJECTED_CODES.has(error.code) ? `Meta rejected template "${name}" (${language})` : 'Meta rejected the message payload';
    await campaigns.pauseBySystem(String(campaignId), `${what}: error ${error.code} ${error.title}${error.details ? ` — ${error.details}` : ''}. Fix it, then resume.`);
    count('paused', error.code);
    return park(context, `waiting: campaign paused after Meta error ${error.code}`);
  }

  return {
    unrelease,
    park,
    retry,

    async accepted(context: SendContext, result: SendResult) {
      const at = new Date();
      const set = { wamid: result.wamid, waId: result.waId, acceptedAt: at };
      // The wamid must be stored before the job completes; a short MongoDB hiccup must not lose it.
      // The same `at` on every try: a try that was written but not acknowledged still counts once.
      for (let attempt = 0; ; attempt++) {
        try {
          const moved = await transitions.accept(context.message, at, { set, unset: ['sendingSince', 'releasedAt', 'waitReason', 'error', 'uncertainAt'] });
          // A status webhook may already have moved it further; the wamid is still ours to record.
          if (!moved) await Message.updateOne({ _id: context.messageId, wamid: null }, { $set: set });
          break;
        } catch (error) {
          if (attempt >= 10) {
            deps.log.error({ err: error, messageId: context.messageId, wamid: result.wamid }, 'could not record an accepted send; its status webhook will');
            throw error;
          }
          await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** Math.min(attempt, 5)));
        }
      }
      count('accepted');
    },

    async transportError(context: SendContext, error: MetaTransportError): Promise<string> {
      if (error.maybeDelivered) {
        // Not resent at once: Meta may have it. The status webhook carrying our id settles it;
        // if none comes within the grace period, this job sends it again (see send-message.ts).
        const attempt = context.message.attempts + 1;
        if (attempt >= MAX_ATTEMPTS) return fail(context, { code: undefined, title: 'Graph API unavailable', details: error.message }, 'transient');
        await Message.updateOne({ _id: context.messageId, status: 'sending' }, {
          $set: { uncertainAt: new Date(), waitReason: `no answer from Meta (${error.message}); waiting for its status webhook before resending` },
        });
        count('uncertain');
        await context.job.moveToDelayed(Date.now() + uncertainGraceMs, context.token);
        throw new DelayedError();
      }
      return retry(context, { code: undefined, title: 'Graph API unavailable', details: error.message });
    },

    async metaError(context: SendContext, error: MetaApiError): Promise<string> {
      const info = { code: error.code, title: error.title, details: error.details };
      const { credential } = context;
      switch (error.kind) {
        case 'transient':
          return retry(context, info);
        case 'rate_phone': {
          const attempt = (context.message.throttles ?? 0) + 1;
          await Message.updateOne({ _id: context.messageId }, { $inc: { throttles: 1 } });
          const pauseMs = Math.min(5_000, 1_000 * attempt);
          await throttleSender(deps.redis, deps.keyPrefix, credential.phoneNumberId, baseRate(credential), pauseMs);
          count('throttled', error.code);
          return requeue(context, pauseMs, `Meta throughput limit (130429): slowing this number down`, false);
        }
        case 'rate_pair': {
          const hits = (context.message.pairHits ?? 0);
          await Message.updateOne({ _id: context.messageId }, { $inc: { pairHits: 1 } });
          count('throttled', error.code);
          // Meta: retry after 4^X seconds; only this recipient waits.
          return requeue(context, 4 ** Math.min(hits, 6) * 1_000, 'Meta pair rate limit (131056): waiting to message this recipient again', false);
        }
        case 'rate_app':
        case 'rate_waba':
          await throttleSender(deps.redis, deps.keyPrefix, credential.phoneNumberId, baseRate(credential), 60_000, 1);
          count('throttled', error.code);
          return requeue(context, 60_000, `Meta rate limit (${error.code}): waiting a minute`, false);
        case 'quality_phone': {
          await campaigns.pauseAllForCredential(String(credential._id),
            `Meta's spam rate limit (131048): too many people blocked or reported this number. Check its quality rating in WhatsApp Manager before resuming.`);
          count('paused', error.code);
          return park(context, 'waiting: the number hit the spam rate limit (131048)');
        }
        case 'recipient':
          if (error.code === 131050) await optOuts.add(String(context.message.clientId), context.message.to, 'meta_131050').catch(() => {});
          return fail(context, info, 'recipient');
        case 'template':
          return templateRejected(context, error);
        case 'account':
          return credentialFailed(context, error);
      }
    },
  };
}

