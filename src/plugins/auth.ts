/**
 * Bearer API-key authentication for `/v1`. Each failure says which of missing, malformed,
 * unknown or revoked it was, so an integrator can fix it without guessing.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { apiKeyMatches, parseApiKey } from '../modules/clients/api-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated client; every /v1 query is scoped to it. */
    clientId: string;
    apiKeyPrefix: string;
  }
}

const LAST_USED_RESOLUTION_MS = 60_000;

const unauthorized = (message: string) => new AppError('unauthorized', message, { headers: { 'www-authenticate': 'Bearer' } });

export function registerApiKeyAuth(app: FastifyInstance, deps: Pick<Deps, 'models'>) {
  const { ApiKey, Client } = deps.models;
  app.decorateRequest('clientId', '');
  app.decorateRequest('apiKeyPrefix', '');

  app.addHook('onRequest', async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized('Missing Authorization header; send "Authorization: Bearer <apiKey>".');
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw unauthorized('The Authorization header must be "Bearer <apiKey>".');
    const key = match[1];
    const prefix = parseApiKey(key);
    if (!prefix) throw unauthorized('The API key is malformed: keys look like ocm_<12 characters>_<43 characters>; check that you copied it whole.');

    const record = await ApiKey.findOne({ prefix }).lean();
    if (!record || !apiKeyMatches(key, record.hash)) throw unauthorized('The API key is not known; check that you copied it whole, or create a new one.');
    if (record.revokedAt) throw unauthorized(`The API key was revoked on ${record.revokedAt.toISOString()}; use another key or create a new one.`);
    const client = await Client.findById(record.clientId, { status: 1 }).lean();
    if (!client || client.status !== 'active') throw unauthorized('The client this API key belongs to is disabled; contact the platform operator.');

    request.clientId = String(record.clientId);
    request.apiKeyPrefix = prefix;
    const now = Date.now();
    if (!record.lastUsedAt || now - record.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      // Coarse on purpose: one write a minute per key, not one per request.
      void ApiKey.updateOne({ _id: record._id }, { $set: { lastUsedAt: new Date(now) } }).catch(() => {});
    }
  });
}
