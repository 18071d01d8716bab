/** A phone number that asked not to be messaged by a client; never sent to again by campaigns. */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const optOutSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  phone: { type: String, required: true },
  /** api, inbound_stop, quick_reply, meta_131050, admin */
  source: { type: String, required: true },
}, { timestamps: true });

optOutSchema.index({ clientId: 1, phone: 1 }, { unique: true });
optOutSchema.index({ clientId: 1, _id: -1 });

export type OptOutDoc = InferSchemaType<typeof optOutSchema>;
export const optOutModel = (connection: Connection) => connection.model('OptOut', optOutSchema, 'optouts');
