/**
 * Starts the services the whole test run shares: an isolated `redis-server` on a free port
 * (or `REDIS_URL`) and a MongoDB chosen by `startMongo` (contract §7). Files isolate themselves
 * with their own database name and Redis key prefix. Everything started here is stopped here.
 */
import type { TestProject } from 'vitest/node';
import { startMongo } from '../support/mongo-server.js';
import { hasRedisServerBinary, startRedisServer } from '../support/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    mongoUrl: string;
    mongoKind: string;
  }
}

export default async function setup(project: TestProject) {
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    await start(project, stops);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

async function start(project: TestProject, stops: Array<() => Promise<void>>) {
  let redisUrl = process.env.REDIS_URL;
  if (!redisUrl) {
    if (!hasRedisServerBinary()) {
      throw new Error('The tests need Redis: install redis-server (apt-get install -y redis-server) or set REDIS_URL.');
    }
    const redis = await startRedisServer();
    stops.push(redis.stop);
    redisUrl = redis.url;
  }
  const mongo = await startMongo();
  stops.push(mongo.stop);
  console.log(mongo.reason);

  project.provide('redisUrl', redisUrl);
  project.provide('mongoUrl', mongo.uri);
  project.provide('mongoKind', mongo.kind);
}
