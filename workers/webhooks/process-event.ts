/**
 * Processes one stored webhook delivery: reads its updates back from the stored body, hands each
 * to its handler, and records the outcome on the event. Updates naming a message or number we
 * do not know yet are retried (the job fails with `UnresolvedUpdatesError` and BullMQ backs off);
 * on the last attempt they are orphaned. Every handler is idempotent, so a retry, a replayed job
 * or a duplicate delivery changes nothing twice.
 */
import type { Deps } from '../../src/deps.js';
import { batched } from '../../src/lib/batched.js';
import { outboundEvents } from '../../src/modules/events/emitter.js';
import { createAccountUpdateHandler } from './account-update.js';
import { createWebhookContext } from './context.js';
import { createInboundHandler } from './inbound.js';
import { createQualityHandler } from './quality-update.js';
import { emptySummary, finalStatus, tally, type Outcome, type Summary, type UpdateResult } from './results.js';
import { createStatusHandler } from './statuses.js';
import { createTemplateStatusHandler } from './template-status.js';
import { isVouchedFor } from './trust.js';
import { readUpdates, type Update } from './updates.js';

export class UnresolvedUpdatesError extends Error {
  constructor(readonly count: number) {
    super(`${count} update(s) name a message or phone number not recorded yet; retrying shortly`);
    this.name = 'UnresolvedUpdatesError';
  }
}

export function createWebhookEventProcessor(deps: Deps) {
  const { WebhookEvent } = deps.models;

  // Deliveries processed at once are claimed, and marked done, together: a few requests per
  // event-loop turn instead of two per delivery (Meta mostly sends one update per delivery).
  const claim = batched(async (ids: string[]) => {
    await WebhookEvent.updateMany({ _id: { $in: ids }, status: 'pending' }, { $inc: { attempts: 1 } });
    const claimed = new Map((await WebhookEvent.find({ _id: { $in: ids }, status: 'pending' }).lean()).map((event) => [String(event._id), event]));
    return ids.map((id) => claimed.get(id) ?? null);
  });
  const finish = batched(async (changes: Array<{ id: string; update: Record<string, unknown> }>) => {
    await WebhookEvent.bulkWrite(changes.map(({ id, update }) => ({ updateOne: { filter: { _id: id, status: 'pending' }, update } })), { ordered: false });
    return changes.map(() => undefined);
  });

  const ctx = createWebhookContext(deps);
  const statuses = createStatusHandler(ctx);
  const inbound = createInboundHandler(ctx);
  const accountFields: Record<string, { apply(update: Extract<Update, { kind: 'account' }>): Promise<Outcome> }> = {
    phone_number_quality_update: createQualityHandler(ctx),
    message_template_status_update: createTemplateStatusHandler(ctx),
    account_update: createAccountUpdateHandler(ctx),
  };

  async function applyAll(updates: Update[], eventId: string, trustedIds: string[] | undefined): Promise<UpdateResult[]> {
    const untrusted = updates.filter((update) => !isVouchedFor(trustedIds, update));
    if (untrusted.length > 0) {
      deps.log.warn({ eventId, updates: untrusted.length }, 'webhook updates about accounts the signing app secret does not speak for were not applied');
    }
    const results: UpdateResult[] = untrusted.map((update) => ({ key: update.key, field: update.field, outcome: 'unhandled' }));
    const trusted = updates.filter((update) => isVouchedFor(trustedIds, update));
    results.push(...await statuses.apply(trusted.filter((update) => update.kind === 'status')));
    for (const update of trusted) {
      if (update.kind === 'status') continue;
      let outcome: Outcome = 'unhandled';
      if (update.kind === 'inbound') outcome = await inbound.apply(update, eventId);
      else if (update.kind === 'account') outcome = await accountFields[update.field]?.apply(update) ?? 'unhandled';
      results.push({ key: update.key, field: update.field, outcome });
    }
    return results;
  }

  function count(results: UpdateResult[], final: boolean) {
    for (const { field, outcome } of results) {
      if (outcome !== 'unknown' || final) deps.metrics.webhooksProcessed.inc({ field, outcome: outcome === 'unknown' ? 'orphaned' : outcome });
    }
  }

  return {
    /** `lastAttempt`: orphan what is still unresolved instead of asking for another try. */
    async process(eventId: string, { lastAttempt }: { lastAttempt: boolean }): Promise<Summary | null> {
      const event = await claim(eventId);
      if (!event) return null;
      const retrying = new Set(event.retryKeys ?? []);
      const updates = readUpdates(event.body).filter((update) => retrying.size === 0 || retrying.has(update.key));
      const results = await applyAll(updates, eventId, event.trustedIds ?? undefined);
      // Campaign counters and outbound events are batched per process: written before the event says it is done.
      await ctx.transitions.flushCounts();
      await outboundEvents(deps.models).stored();
      const unresolved = results.filter((result) => result.outcome === 'unknown');
      const settled = unresolved.length > 0 && !lastAttempt ? results.filter((result) => result.outcome !== 'unknown') : results;
      const summary = tally({ ...emptySummary(), ...event.summary }, settled, lastAttempt);
      count(settled, lastAttempt);

      if (unresolved.length > 0 && !lastAttempt) {
        await finish({ id: eventId, update: { $set: { retryKeys: unresolved.map((result) => result.key), summary } } });
        throw new UnresolvedUpdatesError(unresolved.length);
      }
      const status = finalStatus(summary);
      await finish({
        id: eventId,
        update: {
          $set: {
            status, summary, processedAt: new Date(),
            ...(status === 'orphaned' ? { error: `${summary.orphaned} update(s) name a message or phone number this platform does not know, after ${event.attempts} attempts.` } : {}),
          },
          $unset: { retryKeys: 1 },
        },
      });
      deps.metrics.webhookLag.observe((Date.now() - new Date(event.receivedAt).getTime()) / 1000);
      return summary;
    },

    /** After the last attempt failed with an error (not an unresolved update): kept for an operator to look at. */
    async markFailed(eventId: string, error: unknown): Promise<void> {
      await WebhookEvent.updateOne({ _id: eventId, status: 'pending' }, {
        $set: { status: 'failed', processedAt: new Date(), error: `processing failed: ${(error as Error).message ?? String(error)}` },
      });
    },
  };
}

export type WebhookEventProcessor = ReturnType<typeof createWebhookEventProcessor>;
