/**
 * One Meta webhook delivery, stored exactly as received before it is answered (invariant 1: a
 * delivery we said 200 to is never lost, even if Redis is down). Only signature-verified
 * deliveries are stored. The event worker sets the outcome; the reconciler re-enqueues what is
 * still `pending`.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

export const WEBHOOK_EVENT_STATUSES = ['pending', 'processed', 'unhandled', 'orphaned', 'failed'] as const;
export type WebhookEventStatus = (typeof WEBHOOK_EVENT_STATUSES)[number];

const summarySchema = new Schema({
  /** Updates that changed something. */
  applied: { type: Number, default: 0 },
  /** Duplicates, replays and late arrivals that had nothing left to change. */
  unchanged: { type: Number, default: 0 },
  /** Fields, statuses and shapes this engine does not act on (kept for the record). */
  unhandled: { type: Number, default: 0 },
  /** Updates naming a message or number we never found, after the retries. */
  orphaned: { type: Number, default: 0 },
}, { _id: false });

const webhookEventSchema = new Schema({
  /** The request body as received, byte for byte (Meta escapes non-ASCII, so this is plain text). */
  body: { type: String, required: true },
  /** SHA-256 of the body: the same delivery posted again (Meta retries) is stored once. */
  bodySha256: { type: String, required: true, unique: true },
  signatureVerified: { type: Boolean, required: true },
  /** Whose app secret matched: a credential's (client-owned app) or the platform's META_APP_SECRET. */
  verifiedWith: { type: String, enum: ['credential', 'platform'] },
  /**
   * For a client's secret: the named accounts (`waba:<id>`, `phone:<id>`) it may speak for;
   * updates about others are not applied. Unset for the platform's secret, which speaks for all.
   */
  trustedIds: { type: [String], default: undefined },
  /** What the delivery names, for filtering in the panel. */
  fields: { type: [String], default: [] },
  wabaIds: { type: [String], default: [] },
  phoneNumberIds: { type: [String], default: [] },
  receivedAt: { type: Date, required: true },
  status: { type: String, enum: WEBHOOK_EVENT_STATUSES, default: 'pending', required: true },
  /** Processing attempts so far. */
  attempts: { type: Number, default: 0, required: true },
  /** Keys of updates still waiting for their message or number to be recorded (retried briefly). */
  retryKeys: { type: [String], default: undefined },
  summary: { type: summarySchema, default: () => ({}) },
  processedAt: { type: Date },
  /** Why processing failed or what was orphaned, in a sentence. */
  error: { type: String },
}, { timestamps: true });

webhookEventSchema.index({ status: 1, receivedAt: 1 });
webhookEventSchema.index({ receivedAt: -1 });
/** Raw deliveries are kept 30 days after processing (Meta retries for 7); unprocessed ones stay. */
export const WEBHOOK_EVENT_RETENTION_SECONDS = 30 * 24 * 3600;
webhookEventSchema.index({ processedAt: 1 }, { expireAfterSeconds: WEBHOOK_EVENT_RETENTION_SECONDS });

export type WebhookEventDoc = InferSchemaType<typeof webhookEventSchema>;
export const webhookEventModel = (connection: Connection) => connection.model('WebhookEvent', webhookEventSchema, 'webhookevents');
