/**
 * Liveness and readiness. `/health/live` does no I/O (the process answers); `/health/ready`
 * asks MongoDB and Redis and answers 503 naming the dependency that is down.
 */
import type { FastifyInstance } from 'fastify';
import { pingMongo } from '../db/connection.js';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { pingRedis } from '../redis.js';

type Check = { name: 'mongodb' | 'redis'; run: () => Promise<void> };

export async function readiness(deps: Pick<Deps, 'mongo' | 'redis'>) {
  const checks: Check[] = [
    { name: 'mongodb', run: () => pingMongo(deps.mongo) },
    { name: 'redis', run: () => pingRedis(deps.redis) },
  ];
  const results = await Promise.all(checks.map(async (check) => {
    try {
      await check.run();
      return { dependency: check.name, status: 'up' as const };
    } catch (error) {
      return { dependency: check.name, status: 'down' as const, reason: (error as Error).message };
    }
  }));
  return results;
}

export async function healthRoutes(app: FastifyInstance, deps: Pick<Deps, 'mongo' | 'redis'>) {
  app.get('/health/live', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { logLevel: 'warn' }, async () => {
    const results = await readiness(deps);
    const down = results.filter((result) => result.status === 'down');
    if (down.length > 0) {
      const names = down.map((result) => (result.dependency === 'mongodb' ? 'MongoDB' : 'Redis')).join(' and ');
      throw new AppError('not_ready', `Not ready: ${names} ${down.length > 1 ? 'are' : 'is'} not answering.`, {
        details: results.map((result) => ({ message: `${result.dependency} is ${result.status}`, ...result })),
      });
    }
    return { status: 'ok', checks: Object.fromEntries(results.map((result) => [result.dependency, 'up'])) };
  });
}
