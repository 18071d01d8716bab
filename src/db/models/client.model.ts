/** A business using the platform. Everything else belongs to exactly one client. */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const clientSchema = new Schema({
  name: { type: String, required: true, trim: true, maxlength: 200 },
  status: { type: String, enum: ['active', 'disabled'], default: 'active', required: true },
}, { timestamps: true });

export type ClientDoc = InferSchemaType<typeof clientSchema>;
export const clientModel = (connection: Connection) => connection.model('Client', clientSchema, 'clients');
