/**
 * Webhook endpoints of a client: registration (URL policy, generated secret shown once and
 * stored sealed), listing, removal with its pending deliveries, the test event, and the
 * delivery log. Every function takes the client id: a client sees only its own.
 */
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { findPage, type PageRequest } from '../../lib/pagination.js';
import { endpointView, deliveryView } from './endpoint-views.js';
import { outboundEvents } from './emitter.js';
import { EVENT_TYPES, TEST_EVENT_TYPE } from './event-types.js';
import { MAX_ENDPOINTS_PER_CLIENT, type CreateEndpointInput } from './endpoints.schemas.js';
import { newEndpointSecret } from './signature.js';
import { addressPolicyFor, webhookUrlProblem, type Resolver } from './url-policy.js';

type EndpointsDeps = Pick<Deps, 'models' | 'keyRing' | 'config' | 'log'>;

const badUrl = (problem: string) => new AppError('validation_error', `The webhook URL ${problem}.`, {
  details: [{ field: 'url', in: 'body', message: problem }],
});

export function createEndpointsService(deps: EndpointsDeps, options: { resolve?: Resolver } = {}) {
  const { WebhookEndpoint, EventDelivery } = deps.models;
  const policy = addressPolicyFor(deps.config, options.resolve);
  const events = outboundEvents(deps.models, deps.log);

  async function findOwned(clientId: string, id: string) {
    const endpoint = await WebhookEndpoint.findOne({ _id: id, clientId }).lean();
    if (!endpoint) throw notFound(`Webhook endpoint ${id}`);
    return endpoint;
  }

  return {
    async create(clientId: string, input: CreateEndpointInput) {
      const problem = await webhookUrlProblem(input.url, policy);
      if (problem) throw badUrl(problem);
      if ((await WebhookEndpoint.countDocuments({ clientId })) >= MAX_ENDPOINTS_PER_CLIENT) {
        throw new AppError('unprocessable', `A client can have at most ${MAX_ENDPOINTS_PER_CLIENT} webhook endpoints; delete one first.`);
      }
      const secret = newEndpointSecret();
      const created = await WebhookEndpoint.create({
        clientId, url: new URL(input.url).href, events: input.events ?? [...EVENT_TYPES], description: input.description,
        secret: deps.keyRing.seal(secret),
      });
      events.forgetClient(clientId);
      const { id, url, events: types, description, createdAt } = endpointView(created.toObject());
      return { id, url, events: types, description, secret, createdAt };
    },

    async list(clientId: string, request: PageRequest) {
      return findPage(WebhookEndpoint, { clientId }, request, endpointView);
    },

    async get(clientId: string, id: string) {
      return endpointView(await findOwned(clientId, id));
    },

    /** Its pending deliveries go with it: nobody is left to receive them. */
    async remove(clientId: string, id: string) {
      const result = await WebhookEndpoint.deleteOne({ _id: id, clientId });
      if (result.deletedCount === 0) throw notFound(`Webhook endpoint ${id}`);
      await EventDelivery.deleteMany({ endpointId: id });
      events.forgetClient(clientId);
    },

    async sendTest(clientId: string, id: string) {
      await findOwned(clientId, id);
      const sent = await events.deliverNow(clientId, id, TEST_EVENT_TYPE, {
        endpointId: id, message: 'A test event from ONE CLICK MARKETING: if you can read this, your endpoint and its signature check work.',
      });
      return { ...sent, status: 'pending' as const };
    },

    async deliveries(clientId: string, id: string, request: PageRequest & { status?: 'pending' | 'delivered' | 'failed' }) {
      await findOwned(clientId, id);
      const filter: Record<string, unknown> = { endpointId: id };
      if (request.status) filter.status = request.status === 'pending' ? { $in: ['pending', 'queued'] } : request.status;
      return findPage(EventDelivery, filter, request, deliveryView);
    },
  };
}

export type EndpointsService = ReturnType<typeof createEndpointsService>;
