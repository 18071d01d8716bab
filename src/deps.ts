/**
 * The composition root: builds the one plain `Deps` object that the API, the workers and the
 * admin panel share, and closes it again. Whoever calls `createDeps` calls `closeDeps`.
 */
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from './config.js';
import { connectMongo } from './db/connection.js';
import { createModels, ensureIndexes, type Models } from './db/models.js';
import { campaignCounters } from './modules/messages/campaign-counters.js';
import { createKeyRing, type KeyRing } from './lib/keyring.js';
import type { Logger } from './logger.js';
import { GraphClient } from './meta/graph-client.js';
import { createMetrics, type Metrics } from './metrics.js';
import { DEFAULT_KEY_PREFIX } from './queues/names.js';
import { closeQueues, createQueues, type Queues } from './queues/queues.js';
import { closeRedis, connectRedis, createRedis, type RedisRole } from './redis.js';

export interface Deps {
  config: Readonly<Config>;
  log: Logger;
  mongo: Connection;
  models: Models;
  /** Fail-fast connection for producers and plain commands. */
  redis: Redis;
  queues: Queues;
  metrics: Metrics;
  /** Seals and opens clients' Meta secrets. */
  keyRing: KeyRing;
  /** The only way to the Graph API. */
  graph: GraphClient;
  /** Prefix of every Redis key we own (queues, limiters); hash-tagged for Redis Cluster. */
  keyPrefix: string;
}

export interface CreateDepsOptions {
  log: Logger;
  role: 'api' | 'worker' | 'dev';
  /** Tests isolate themselves with their own prefix and database. */
  keyPrefix?: string;
  dbName?: string;
}

export async function createDeps(config: Readonly<Config>, options: CreateDepsOptions): Promise<Deps> {
  if (!config.mongoUrl) throw new Error('MONGO_URL is not set');
  if (!config.redisUrl) throw new Error('REDIS_URL is not set');
  const keyPrefix = options.keyPrefix ?? DEFAULT_KEY_PREFIX;
  const redisRole: RedisRole = 'producer';
  const redis = createRedis(config.redisUrl, redisRole);
  let mongo: Connection | undefined;
  try {
    mongo = await connectMongo(config.mongoUrl, { dbName: options.dbName });
    const models = createModels(mongo);
    await ensureIndexes(models);
    await assertKeyRingOpensStoredSecrets(models, config);
    await connectRedis(redis);
    return {
      config,
      log: options.log,
      mongo,
      models,
      redis,
      queues: createQueues(redis, keyPrefix, options.log),
      metrics: createMetrics(options.role),
      keyRing: createKeyRing(config.credentialsKeys),
      graph: new GraphClient({ baseUrl: config.graphApiBaseUrl, version: config.graphApiVersion }),
      keyPrefix,
    };
  } catch (error) {
    redis.disconnect();
    await mongo?.close().catch(() => {});
    throw error;
  }
}

/**
 * Refuses to start when CREDENTIALS_KEYS lacks a key that stored secrets were sealed with: every
 * send through those credentials would fail later, far from the cause. Rotation adds the new key
 * first, runs `credentials:reencrypt`, and only then drops the old one.
 */
async function assertKeyRingOpensStoredSecrets(models: Models, config: Readonly<Config>): Promise<void> {
  const ring = new Set(config.credentialsKeys.map((entry) => entry.id));
  const used = new Set<string>([
    ...(await models.Credential.distinct('accessToken.keyId')),
    ...(await models.Credential.distinct('appSecret.keyId')),
    ...(await models.WebhookEndpoint.distinct('secret.keyId')),
  ].filter((keyId): keyId is string => typeof keyId === 'string'));
  const missing = [...used].filter((keyId) => !ring.has(keyId));
  if (missing.length > 0) {
    throw new Error(`CREDENTIALS_KEYS has no key ${missing.map((id) => `"${id}"`).join(', ')}, which stored credentials are encrypted with; add it back (the first key encrypts, every key decrypts) or re-encrypt before removing it`);
  }
}

export async function closeDeps(deps: Deps): Promise<void> {
  // Campaign counters still buffered in this process are written before the connection closes.
  await campaignCounters(deps.models.Campaign).flush().catch((error) => deps.log.warn({ err: error }, 'could not write the last campaign counters'));
  await closeQueues(deps.queues);
  await deps.graph.close();
  await closeRedis(deps.redis);
  await deps.mongo.close();
}
