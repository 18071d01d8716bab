/**
 * A message template from the WABA's catalogue, synced by credential verification and by
 * `message_template_status_update` webhooks. Parameter counts are derived once at sync, so a
 * campaign can be checked before 100,000 messages fail with 132000.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';

const templateSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  credentialId: { type: Schema.Types.ObjectId, ref: 'Credential', required: true },
  wabaId: { type: String, required: true },
  metaId: { type: String },
  name: { type: String, required: true },
  language: { type: String, required: true },
  status: { type: String, required: true },
  category: { type: String },
  parameterFormat: { type: String, enum: ['positional', 'named'], default: 'positional' },
  /** How many parameters each component takes: header, body, and buttons by index. */
  parameters: {
    header: { type: Number, default: 0 },
    headerFormat: { type: String },
    body: { type: Number, default: 0 },
    bodyNames: { type: [String], default: undefined },
    buttons: { type: [{ index: Number, subType: String, count: Number, _id: false }], default: [] },
  },
  components: { type: Schema.Types.Mixed },
  syncedAt: { type: Date, required: true },
}, { timestamps: true });

templateSchema.index({ credentialId: 1, name: 1, language: 1 }, { unique: true });
templateSchema.index({ wabaId: 1, name: 1, language: 1 });

export type TemplateDoc = InferSchemaType<typeof templateSchema>;
export const templateModel = (connection: Connection) => connection.model('Template', templateSchema, 'templates');
