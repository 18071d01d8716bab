/**
 * Memory for account-level updates (quality, template, account events), which have no id of
 * their own: whether this exact update was applied already, and the newest event time applied
 * per subject, so a duplicate in another batch or an older event arriving late changes nothing.
 */
import { createHash } from 'node:crypto';
import type { Models } from '../../src/db/models.js';

export function updateFingerprint(wabaId: string, field: string, time: number | undefined, value: unknown): string {
  return createHash('sha256').update(`${wabaId}|${field}|${time ?? ''}|${JSON.stringify(value)}`).digest('hex');
}

export function createMarkers(models: Pick<Models, 'WebhookMarker'>) {
  const { WebhookMarker } = models;
  return {
    async seen(fingerprint: string): Promise<boolean> {
      return Boolean(await WebhookMarker.exists({ key: `seen:${fingerprint}` }));
    },

    async remember(fingerprint: string): Promise<void> {
      await WebhookMarker.updateOne({ key: `seen:${fingerprint}` }, { $setOnInsert: { key: `seen:${fingerprint}` } }, { upsert: true });
    },

    /** Records `time` as the newest for `subject`; false when a newer event was applied already. */
    async claimLatest(subject: string, time: number | undefined): Promise<boolean> {
      if (time === undefined) return true;
      try {
        await WebhookMarker.updateOne({ key: `latest:${subject}`, time: { $lte: time } }, { $set: { time } }, { upsert: true });
        return true;
      } catch (error) {
        // The upsert collided with the existing marker: it holds a newer time.
        if ((error as { code?: number }).code === 11000) return false;
        throw error;
      }
    },
  };
}

export type Markers = ReturnType<typeof createMarkers>;
