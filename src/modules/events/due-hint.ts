/**
 * The mover's hint of which endpoints have work: `nextDueAt` on the endpoint is the earliest time
 * one of its pending deliveries may go. Whoever makes a delivery pending lowers it (`$min`) and
 * bumps `dueVersion`, so the mover, which raises or clears it after moving a batch, can do so only
 * when nothing became pending meanwhile (compare-and-set on the version).
 */
import type { Types } from 'mongoose';
import type { Models } from '../../db/models.js';

export async function markEndpointsDue(models: Pick<Models, 'WebhookEndpoint'>, endpointIds: Array<Types.ObjectId | string>, at: Date): Promise<void> {
  if (endpointIds.length === 0) return;
  await models.WebhookEndpoint.updateMany({ _id: { $in: endpointIds } }, { $min: { nextDueAt: at }, $inc: { dueVersion: 1 } });
}
