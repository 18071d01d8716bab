/**
 * Inbound messages from the simulator (and Meta's F5 fixture): stored once, they open the 24 h
 * customer-service window, and STOP — typed or tapped — opts the sender out.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';
import { fixture } from '../../fixtures/meta/index.js';
import { postSigned, settled } from './helpers.js';

let world: World;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld();
  credentialId = await world.connectCredential();
});
afterAll(async () => {
  await world?.close();
});

const optOutOf = async (phone: string) => ((await world.api('GET', '/v1/opt-outs?limit=500')).json().items as Array<{ phone: string; source: string }>)
  .find((optOut) => optOut.phone === phone);
const inbound = (input: Record<string, unknown>) => world.sim.sendInboundMessage({ phoneNumberId: world.seed.phoneNumberId, ...input } as never);

describe('inbound messages', () => {
  it('a message from the user opens the 24 h window: free-form text goes from 422 to 202', async () => {
    const from = '5511977770001';
    const before = await world.api('POST', '/v1/messages', { credentialId, to: `+${from}`, text: 'Hello!' });
    expect(before.statusCode).toBe(422);

    const { wamid } = inbound({ type: 'text', from, name: 'Ana Souza', text: 'Is the offer still on?' });
    await settled(world);

    const contact = await world.deps.models.Contact.findOne({ credentialId, phone: from }).lean();
    expect(contact).toMatchObject({ profileName: 'Ana Souza', userId: expect.any(String), lastInboundAt: expect.any(Date) });
    expect(await world.deps.models.InboundMessage.findOne({ wamid }).lean()).toMatchObject({
      from, type: 'text', text: 'Is the offer still on?', clientId: expect.anything(),
    });
    const after = await world.api('POST', '/v1/messages', { credentialId, to: `+${from}`, text: 'Hello!' });
    expect(after.statusCode).toBe(202);
  });

  it('STOP (any case, trimmed) opts the sender out; a chatty message does not', async () => {
    inbound({ type: 'text', from: '5511977770002', text: '  sToP ' });
    inbound({ type: 'text', from: '5511977770003', text: 'please stop sending me offers' });
    inbound({ type: 'text', from: '5511977770004', text: 'UNSUBSCRIBE' });
    await settled(world);
    expect(await optOutOf('5511977770002')).toMatchObject({ source: 'inbound_stop' });
    expect(await optOutOf('5511977770003')).toBeUndefined();
    expect(await optOutOf('5511977770004')).toMatchObject({ source: 'inbound_stop' });
    expect(await world.deps.models.InboundMessage.findOne({ from: '5511977770002' }).lean()).toMatchObject({ effect: 'opt_out' });
  });

  it('a quick-reply "Stop promotions" tap opts out (source quick_reply)', async () => {
    inbound({ type: 'button', from: '5511977770005', payload: 'STOP_PROMO', text: 'Stop promotions', contextId: 'wamid.someCampaignMessage' });
    inbound({ type: 'button', from: '5511977770006', payload: 'SHOP', text: 'Shop now', contextId: 'wamid.someCampaignMessage' });
    await settled(world);
    expect(await optOutOf('5511977770005')).toMatchObject({ source: 'quick_reply' });
    expect(await optOutOf('5511977770006')).toBeUndefined();
    expect(await world.deps.models.InboundMessage.findOne({ from: '5511977770005' }).lean()).toMatchObject({
      type: 'button', payload: 'STOP_PROMO', text: 'Stop promotions', contextWamid: 'wamid.someCampaignMessage',
    });
  });

  it('the F5 fixture: escaped names are stored decoded, the STOP_PROMO tap opts out, a redelivery changes nothing', async () => {
    const body = fixture('f5-inbound-text-and-quick-reply');
    expect(await postSigned(world, body)).toBe(200);
    await settled(world);
    const contact = await world.deps.models.Contact.findOne({ credentialId, phone: '5511999990001' }).lean();
    expect(contact).toMatchObject({ profileName: 'José Silva', userId: 'BR.1234567890123456789', lastInboundAt: new Date(1760000310 * 1000) });
    expect(await world.deps.models.InboundMessage.findOne({ wamid: 'wamid.FIXTURE_IN_004' }).lean()).toMatchObject({ text: 'Olá, ainda tem?' });
    expect(await optOutOf('5511999990001')).toMatchObject({ source: 'quick_reply' });

    // The client lets the user back in; the same tap redelivered later (another batch) must not undo that.
    expect((await world.api('DELETE', '/v1/opt-outs/5511999990001')).statusCode).toBe(204);
    const rewrapped = Buffer.from(`${body.toString().trim()}\n\n`);
    expect(await postSigned(world, rewrapped)).toBe(200);
    await settled(world);
    expect(await optOutOf('5511999990001')).toBeUndefined();
    expect(await world.deps.models.InboundMessage.countDocuments({ wamid: { $in: ['wamid.FIXTURE_IN_004', 'wamid.FIXTURE_IN_005'] } })).toBe(2);
    const events = await world.deps.models.WebhookEvent.find({ body: { $regex: 'FIXTURE_IN_004' } }).lean();
    expect(events.map((event) => event.status)).toEqual(['processed', 'processed']);
    expect(events[1].summary).toMatchObject({ applied: 0, unchanged: 2 });
  });
});
