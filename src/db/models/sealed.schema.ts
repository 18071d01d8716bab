/** A secret encrypted by the key ring (src/lib/keyring.ts). Never selected unless asked for. */
import { Schema } from 'mongoose';

export const sealedSchema = new Schema({
  keyId: { type: String, required: true },
  iv: { type: String, required: true },
  tag: { type: String, required: true },
  data: { type: String, required: true },
}, { _id: false });
