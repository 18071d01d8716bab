/**
 * A campaign: one approved template to many recipients through one credential. `counts` are
 * maintained with $inc on every message transition (exact under concurrency) and re-derived
 * from the messages by the reconciler once a campaign is quiet (exact after any crash).
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const CAMPAIGN_STATUSES = ['scheduled', 'running', 'paused', 'completed', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const MESSAGE_STATUSES = ['queued', 'sending', 'accepted', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

const countsDefinition = Object.fromEntries(
  ['total', ...MESSAGE_STATUSES].map((status) => [status, { type: Number, default: 0, required: true }]),
);

const campaignSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  credentialId: { type: Schema.Types.ObjectId, ref: 'Credential', required: true },
  name: { type: String, required: true, trim: true, maxlength: 200 },
  status: { type: String, enum: CAMPAIGN_STATUSES, required: true },
  /** Why the campaign is paused, in a sentence an operator can act on. */
  pausedReason: { type: String },
  /** Who or what paused it: a client, an operator, or the system (template, credential, quality). */
  pausedBy: { type: String },
  template: {
    name: { type: String, required: true },
    language: { type: String, required: true },
    components: { type: Schema.Types.Mixed },
    category: { type: String },
  },
  counts: { type: new Schema(countsDefinition, { _id: false }), default: () => ({}) },
  rejectedCount: { type: Number, default: 0 },
  /** Billable messages by pricing category, from the `pricing` of status webhooks (counted once per message). */
  cost: {
    billable: { type: Number, default: 0 },
    marketing: { type: Number, default: 0 },
    utility: { type: Number, default: 0 },
    authentication: { type: Number, default: 0 },
    service: { type: Number, default: 0 },
  },
  scheduledAt: { type: Date },
  startedAt: { type: Date },
  completedAt: { type: Date },
  cancelledAt: { type: Date },
  /** Last time a message of this campaign changed status; the reconciler recounts quiet campaigns. */
  lastActivityAt: { type: Date },
  sendWindow: { type: Schema.Types.Mixed },
}, { timestamps: true });

campaignSchema.index({ clientId: 1, _id: -1 });
campaignSchema.index({ clientId: 1, status: 1, _id: -1 });
campaignSchema.index({ credentialId: 1, status: 1 });
campaignSchema.index({ status: 1, scheduledAt: 1 });

export type CampaignDoc = InferSchemaType<typeof campaignSchema>;
export const campaignModel = (connection: Connection) => connection.model('Campaign', campaignSchema, 'campaigns');
