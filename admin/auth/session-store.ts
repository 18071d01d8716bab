/**
 * A @fastify/session store in MongoDB, so operator sessions survive restarts and are shared by
 * every API process behind a load balancer. Documents are keyed by a hash of the session id and
 * expire with the cookie (TTL index on `expiresAt`).
 */
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Session } from 'fastify';
import type { Deps } from '../../src/deps.js';

type Callback = (error?: unknown) => void;
type SessionCallback = (error: unknown, session?: Session | null) => void;

const keyOf = (sessionId: string) => createHash('sha256').update(sessionId).digest('base64url');

export class MongoSessionStore extends EventEmitter {
  constructor(private readonly models: Pick<Deps['models'], 'AdminSession'>, private readonly fallbackTtlMs: number) {
    super();
  }

  set(sessionId: string, session: Session, callback: Callback): void {
    const data = JSON.parse(JSON.stringify(session)) as Record<string, unknown>;
    const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + this.fallbackTtlMs);
    this.models.AdminSession.updateOne({ _id: keyOf(sessionId) }, { $set: { data, expiresAt: expires } }, { upsert: true })
      .then(() => callback(), callback);
  }

  get(sessionId: string, callback: SessionCallback): void {
    // The TTL monitor runs once a minute; an expired document may still be there.
    this.models.AdminSession.findOne({ _id: keyOf(sessionId), expiresAt: { $gt: new Date() } }).lean()
      .then((doc) => callback(null, (doc?.data as Session | undefined) ?? null), callback);
  }

  destroy(sessionId: string, callback: Callback): void {
    this.models.AdminSession.deleteOne({ _id: keyOf(sessionId) }).then(() => callback(), callback);
  }
}
