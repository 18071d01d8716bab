/**
 * One message to one recipient. MongoDB is the truth (invariant 1): a message exists here before
 * any job for it exists, and `releasedAt` says the dispatcher handed it to the send queue.
 * Status moves forward only (invariant 5); every change is kept in `statusHistory`.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { MESSAGE_STATUSES } from './campaign.model.js';

const errorSchema = new Schema({
  code: { type: Number },
  title: { type: String },
  message: { type: String },
}, { _id: false });

const messageSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  campaignId: { type: Schema.Types.ObjectId, ref: 'Campaign' },
  credentialId: { type: Schema.Types.ObjectId, ref: 'Credential', required: true },
  /** Digits only; sent to Meta with a leading `+`. */
  to: { type: String, required: true },
  ref: { type: String },
  kind: { type: String, enum: ['template', 'text'], required: true },
  /** Single messages carry their template; campaign messages carry only the recipient's components. */
  template: { type: Schema.Types.Mixed },
  components: { type: Schema.Types.Mixed },
  text: { type: String },
  /** Test sends of a campaign's template are not counted in the campaign. */
  test: { type: Boolean },
  status: { type: String, enum: MESSAGE_STATUSES, required: true },
  statusHistory: { type: [{ status: String, at: Date, note: String, _id: false }], default: [] },
  releasedAt: { type: Date },
  /** Earliest time the dispatcher may release it (retry backoff, send window, messaging limit). */
  notBefore: { type: Date },
  /** Why it is waiting, when it is waiting for more than its turn. */
  waitReason: { type: String },
  sendingSince: { type: Date },
  /** Set when a send got no usable answer: Meta may have it, so its status webhook is awaited first. */
  uncertainAt: { type: Date },
  attempts: { type: Number, default: 0, required: true },
  /** Times Meta throttled this message's number (130429) or pair (131056); they do not burn attempts. */
  throttles: { type: Number },
  pairHits: { type: Number },
  wamid: { type: String },
  waId: { type: String },
  error: { type: errorSchema },
  errorKind: { type: String },
  pricing: {
    type: new Schema({ billable: Boolean, pricingModel: String, type: String, category: String }, { _id: false }),
  },
  acceptedAt: { type: Date },
  sentAt: { type: Date },
  deliveredAt: { type: Date },
  readAt: { type: Date },
  failedAt: { type: Date },
}, { timestamps: true });

messageSchema.index({ wamid: 1 }, { unique: true, sparse: true });
messageSchema.index({ clientId: 1, _id: -1 });
messageSchema.index({ campaignId: 1, status: 1, _id: 1 });
// The dispatcher's and reconciler's view: what of this sender is waiting, released or in flight.
messageSchema.index({ credentialId: 1, status: 1, releasedAt: 1, campaignId: 1, _id: 1 });
messageSchema.index({ status: 1, sendingSince: 1 });
// Sends per minute on the admin dashboard.
messageSchema.index({ acceptedAt: 1 }, { sparse: true });

export type MessageDoc = InferSchemaType<typeof messageSchema>;
export const messageModel = (connection: Connection) => connection.model('Message', messageSchema, 'messages');
