/**
 * What we know of a recipient per business number: when they last wrote to us. An inbound
 * message opens Meta's 24 h customer-service window for that pair (meta-cloud-api.md §4.6).
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const contactSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  credentialId: { type: Schema.Types.ObjectId, ref: 'Credential', required: true },
  phone: { type: String, required: true },
  /** Business-scoped user id (2026+), when Meta sends one. */
  userId: { type: String },
  profileName: { type: String },
  lastInboundAt: { type: Date },
}, { timestamps: true });

contactSchema.index({ credentialId: 1, phone: 1 }, { unique: true });

export type ContactDoc = InferSchemaType<typeof contactSchema>;
export const contactModel = (connection: Connection) => connection.model('Contact', contactSchema, 'contacts');

export const CUSTOMER_SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
