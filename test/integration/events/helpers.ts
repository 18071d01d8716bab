/** Shared steps of the outbound-event tests: a world whose retries take milliseconds, and reading what a receiver got. */
import { createHmac } from 'node:crypto';
import { createWorld, type World, type WorldOptions } from '../../helpers/world.js';
import type { Received, Receiver } from './receiver.js';

/** Retries after ~100 ms, doubling to 400 ms: a whole schedule fits in a test. */
export const FAST_EVENTS = { retry: { firstDelayMs: 100, maxDelayMs: 400, giveUpAfterMs: 60_000 }, timeoutMs: 2_000, mover: { tickMs: 100 } };

export function createEventsWorld(options: WorldOptions = {}): Promise<World> {
  return createWorld({ ...options, runtime: { ...options.runtime, events: { ...FAST_EVENTS, ...options.runtime?.events } } });
}

export async function createEndpoint(world: World, url: string, extra: Record<string, unknown> = {}) {
  const response = await world.api('POST', '/v1/webhook-endpoints', { url, ...extra });
  if (response.statusCode !== 201) throw new Error(`endpoint not created: ${response.body}`);
  return response.json() as { id: string; url: string; events: string[]; secret: string; createdAt: string };
}

/** The signature check a client would write, independent of our own code. */
export function signatureMatches(request: Received, secret: string): boolean {
  const header = String(request.headers['ocm-signature'] ?? '');
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${request.body}`).digest('hex');
  return expected === match[2];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Event = { id: string; type: string; createdAt: string; data: Record<string, any> };

export const eventsOf = (receiver: Receiver): Event[] => receiver.received.map((request) => JSON.parse(request.body) as Event);

export async function waitForEvents(world: World, receiver: Receiver, predicate: (events: Event[]) => boolean, what: string, timeoutMs = 20_000) {
  return world.waitFor(async () => predicate(eventsOf(receiver)) && eventsOf(receiver), what, timeoutMs);
}
