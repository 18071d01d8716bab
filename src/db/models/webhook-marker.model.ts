/**
 * Small facts the event worker remembers across deliveries of account-level webhooks
 * (quality, template and account events), which carry no id of their own:
 * `seen:<hash>` — this exact update was applied already (a duplicate must not pause a campaign
 * again after someone resumed it); `latest:<subject>` — the newest event time applied to a
 * subject, so an older event arriving late does not overwrite a newer one.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const webhookMarkerSchema = new Schema({
  key: { type: String, required: true, unique: true },
  /** Meta's event time (unix seconds) for `latest:` markers. */
  time: { type: Number },
}, { timestamps: true });

export type WebhookMarkerDoc = InferSchemaType<typeof webhookMarkerSchema>;
export const webhookMarkerModel = (connection: Connection) => connection.model('WebhookMarker', webhookMarkerSchema, 'webhookmarkers');
