/** Clients and their API keys: used by the CLI and the admin panel. */
import { Types } from 'mongoose';
import type { Deps } from '../../deps.js';
import { generateApiKey } from './api-keys.js';

export function createClientsService(deps: Pick<Deps, 'models'>) {
  const { Client, ApiKey } = deps.models;

  async function createApiKey(clientId: string, name?: string) {
    if (!Types.ObjectId.isValid(clientId) || !(await Client.exists({ _id: clientId }))) {
      throw new Error(`no client with id ${clientId}`);
    }
    const { key, prefix, hash } = generateApiKey();
    const record = await ApiKey.create({ clientId, name, prefix, hash });
    return { apiKeyId: String(record._id), apiKey: key };
  }

  return {
    createApiKey,

    async createClient(name: string) {
      const client = await Client.create({ name });
      const { apiKey } = await createApiKey(String(client._id), 'initial key');
      return { clientId: String(client._id), apiKey };
    },

    async revokeApiKey(apiKeyId: string) {
      await ApiKey.updateOne({ _id: apiKeyId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    },
  };
}
