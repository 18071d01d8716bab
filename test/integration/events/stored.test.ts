/**
 * Outbound events are buffered for a few milliseconds and written in batches; `stored()` is how
 * a job (or an API answer) makes sure its events are in MongoDB before it counts as done, so a
 * process that dies right after loses none of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outboundEvents } from '../../../src/modules/events/emitter.js';
import { createWorld, type World } from '../../helpers/world.js';
import { createEndpoint } from './helpers.js';
import { startReceiver, type Receiver } from './receiver.js';

let world: World;
let receiver: Receiver;

beforeAll(async () => {
  world = await createWorld({ workers: false });
  receiver = await startReceiver();
  await createEndpoint(world, receiver.url, { events: ['optout.created'] });
});
afterAll(async () => {
  await world?.close();
  await receiver?.close();
});

describe('outbound events, stored()', () => {
  it('resolves only once every event emitted before it is in MongoDB', async () => {
    const events = outboundEvents(world.deps.models);
    const stored = () => world.deps.models.EventDelivery.countDocuments({ clientId: world.clientId, type: 'optout.created' });
    for (let n = 0; n < 3; n += 1) events.emit(world.clientId, 'optout.created', () => ({ phone: `4915100000${n}`, source: 'api' }));
    // Buffered (the client's endpoints are looked up, then a batch goes a few milliseconds later),
    // yet written the moment stored() resolves.
    await events.stored();
    expect(await stored()).toBe(3);
    // Nothing emitted since: resolves at once.
    await events.stored();
    expect(await stored()).toBe(3);
  });

  it('is awaited before an API answer: the opt-out answered 201 already has its event stored', async () => {
    const answer = await world.api('POST', '/v1/opt-outs', { phone: '+4915199999999' });
    expect(answer.statusCode).toBe(201);
    const deliveries = await world.deps.models.EventDelivery.find({ clientId: world.clientId, type: 'optout.created' }, { body: 1 }).lean();
    expect(deliveries.filter((delivery) => delivery.body.includes('4915199999999'))).toHaveLength(1);
  });
});
