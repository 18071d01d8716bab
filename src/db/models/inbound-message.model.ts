/**
 * A message a user sent to one of our clients' business numbers (Meta webhook `messages[]`),
 * stored once per credential and wamid however often Meta delivers it.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const inboundMessageSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  credentialId: { type: Schema.Types.ObjectId, ref: 'Credential', required: true },
  wamid: { type: String, required: true },
  /** The sender's phone number (digits); absent when a user with a username hides it (2026+). */
  from: { type: String },
  /** Business-scoped user id (BSUID), when Meta sends one. */
  fromUserId: { type: String },
  profileName: { type: String },
  type: { type: String, required: true },
  /** Text body, button label or interactive reply title. */
  text: { type: String },
  /** Quick-reply payload or interactive reply id. */
  payload: { type: String },
  /** wamid of our message this one answers (quick-reply taps carry it). */
  contextWamid: { type: String },
  /** Meta's timestamp of the message. */
  sentAt: { type: Date, required: true },
  /** What it did: `opt_out` when it opted the sender out. */
  effect: { type: String },
  webhookEventId: { type: Schema.Types.ObjectId, ref: 'WebhookEvent' },
  /** Meta's message object as received. */
  raw: { type: Schema.Types.Mixed },
}, { timestamps: true });

inboundMessageSchema.index({ credentialId: 1, wamid: 1 }, { unique: true });
inboundMessageSchema.index({ clientId: 1, _id: -1 });
inboundMessageSchema.index({ credentialId: 1, from: 1, sentAt: -1 });

export type InboundMessageDoc = InferSchemaType<typeof inboundMessageSchema>;
export const inboundMessageModel = (connection: Connection) => connection.model('InboundMessage', inboundMessageSchema, 'inboundmessages');
