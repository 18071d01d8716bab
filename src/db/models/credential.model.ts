/**
 * A client's Meta WhatsApp Business credentials for one business phone number, with what the
 * last verification learned about it. The access token and app secret are sealed (AES-256-GCM)
 * and excluded from queries unless explicitly selected.
 */
import { Schema, type Connection, type InferSchemaType } from 'mongoose';
import { sealedSchema } from './sealed.schema.js';

export const CREDENTIAL_STATUSES = ['pending', 'connected', 'invalid', 'error'] as const;

const phoneSchema = new Schema({
  displayPhoneNumber: String,
  verifiedName: String,
  qualityRating: String,
  /** The literal tier string Meta reports (TIER_250, TIER_2K, …, TIER_UNLIMITED); unknown values are kept. */
  messagingLimitTier: String,
  /** Meta's throughput level (STANDARD, HIGH, …) and the messages per second it stands for. */
  throughput: { level: String, messagesPerSecond: Number },
  platformType: String,
  status: String,
  nameStatus: String,
  codeVerificationStatus: String,
  canSendMessage: String,
}, { _id: false });

const credentialSchema = new Schema({
  clientId: { type: Schema.Types.ObjectId, ref: 'Client', required: true },
  name: { type: String, trim: true, maxlength: 200 },
  wabaId: { type: String, required: true },
  phoneNumberId: { type: String, required: true },
  appId: { type: String },
  accessToken: { type: sealedSchema, required: true, select: false },
  appSecret: { type: sealedSchema, select: false },
  /** Per-credential token for Meta's webhook verification handshake; shown to the client. */
  verifyToken: { type: String, required: true, unique: true },
  /** Client's own cap; else the throughput level decides. */
  messagesPerSecond: { type: Number, min: 1, max: 1000 },
  status: { type: String, enum: CREDENTIAL_STATUSES, default: 'pending', required: true },
  phone: { type: phoneSchema, default: () => ({}) },
  wabaSubscribed: { type: Boolean },
  lastCheckedAt: { type: Date },
  lastError: { type: String },
  /** Bumped whenever secrets change, so a verification started before the change cannot overwrite the result of one after. */
  secretsVersion: { type: Number, default: 1, required: true },
}, { timestamps: true });

credentialSchema.index({ clientId: 1, phoneNumberId: 1 }, { unique: true });
credentialSchema.index({ phoneNumberId: 1 });
credentialSchema.index({ wabaId: 1 });

export type CredentialDoc = InferSchemaType<typeof credentialSchema>;
export const credentialModel = (connection: Connection) => connection.model('Credential', credentialSchema, 'credentials');
