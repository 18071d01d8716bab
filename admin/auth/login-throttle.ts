/**
 * Limits login attempts per address and email (and per address overall, against spraying many
 * emails) with counters in Redis, so the limit holds across API processes and restarts.
 */
import type { Redis } from 'ioredis';

export const LOGIN_WINDOW_SECONDS = 15 * 60;
export const MAX_ATTEMPTS_PER_EMAIL = 10;
export const MAX_ATTEMPTS_PER_ADDRESS = 50;

export interface LoginThrottle {
  /** Counts an attempt; false when this one is over a limit. */
  attempt(ip: string, email: string): Promise<boolean>;
  /** A successful login clears that email's count for the address. */
  succeeded(ip: string, email: string): Promise<void>;
}

export function createLoginThrottle(redis: Redis, keyPrefix: string): LoginThrottle {
  const emailKey = (ip: string, email: string) => `${keyPrefix}:admin-login:${ip}:${email.trim().toLowerCase()}`;
  const addressKey = (ip: string) => `${keyPrefix}:admin-login:${ip}`;
  return {
    async attempt(ip, email) {
      // SET NX starts a window at the first attempt; INCR counts within it (no sliding reset).
      const results = await redis.multi()
        .set(emailKey(ip, email), 0, 'EX', LOGIN_WINDOW_SECONDS, 'NX').incr(emailKey(ip, email))
        .set(addressKey(ip), 0, 'EX', LOGIN_WINDOW_SECONDS, 'NX').incr(addressKey(ip))
        .exec();
      const perEmail = Number(results?.[1]?.[1] ?? 0);
      const perAddress = Number(results?.[3]?.[1] ?? 0);
      return perEmail <= MAX_ATTEMPTS_PER_EMAIL && perAddress <= MAX_ATTEMPTS_PER_ADDRESS;
    },
    async succeeded(ip, email) {
      await redis.del(emailKey(ip, email));
    },
  };
}
