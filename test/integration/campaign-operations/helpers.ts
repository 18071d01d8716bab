/** Shared steps of the campaign-operation tests. */
import type { World } from '../../helpers/world.js';

export const TEMPLATE = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '10%' }] }] };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export async function campaignWhen(world: World, id: string, predicate: (campaign: Json) => boolean, what: string, timeoutMs = 30_000): Promise<Json> {
  return world.waitFor(async () => {
    const campaign = (await world.api('GET', `/v1/campaigns/${id}`)).json();
    return predicate(campaign) && campaign;
  }, what, timeoutMs);
}

/** "HH:MM" of an instant on a zone's clock. */
export function clockIn(zone: string, atMs: number): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(atMs);
}

export const sentTo = (world: World, digits: string) =>
  world.sim.requests({ phoneNumberId: world.seed.phoneNumberId }).filter((request) => request.outcome === 'accepted' && request.recipient === digits).length;
