/**
 * The simulator's own JSON API under `/_sim`, for processes that cannot call its methods: each route
 * is one method of the Simulator object, with the same input (validated by the same zod schemas).
 * Bad input → 400 `{error:{message, issues[]}}`; unknown ids → 404 `{error:{message}}`.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { seedSandbox, SandboxSeedOptionsSchema } from '../sandbox.js';
import type { ResetScope, Simulator } from '../simulator.js';

type Body = Record<string, unknown>;
interface TemplateParams {
  wabaId: string;
  name: string;
  language: string;
}

const ResetBodySchema = z.strictObject({ scope: z.enum(['observations', 'traffic', 'all']).optional() });
const WaitBodySchema = z.strictObject({ timeoutMs: z.number().int().positive().max(600_000).optional() });
const VerifyBodySchema = z.strictObject({ verifyToken: z.string() });
const RequestsQuerySchema = z.object({
  phoneNumberId: z.string().optional(),
  recipient: z.string().optional(),
  outcome: z.enum(['accepted', 'rejected', 'faulted']).optional(),
  since: z.coerce.number().optional(),
});

export function registerAdminRoutes(app: FastifyInstance, sim: Simulator): void {
  const body = (request: { body: unknown }) => (request.body ?? {}) as Body;
  const input = <T>(request: { body: unknown }) => body(request) as T;

  // ---- configuration ------------------------------------------------------------------------
  app.get('/state', () => sim.snapshot());
  app.post('/setup', (request) => sim.configure(input(request)));
  app.post('/apps', (request) => sim.upsertApp(input(request)));
  app.post('/wabas', (request) => sim.upsertWaba(input(request)));
  app.post<{ Params: { wabaId: string } }>('/wabas/:wabaId/templates', (request) =>
    sim.upsertTemplate(request.params.wabaId, input(request)),
  );
  app.patch<{ Params: TemplateParams }>('/wabas/:wabaId/templates/:name/:language', (request) =>
    sim.updateTemplate(request.params.wabaId, request.params.name, request.params.language, input(request)),
  );
  app.delete<{ Params: TemplateParams }>('/wabas/:wabaId/templates/:name/:language', (request, reply) =>
    sim.removeTemplate(request.params.wabaId, request.params.name, request.params.language)
      ? reply.code(204).send()
      : reply.code(404).send({ error: { message: 'no such template' } }),
  );
  app.post('/phone-numbers', (request) => sim.upsertPhoneNumber(input(request)));
  app.patch<{ Params: { id: string } }>('/phone-numbers/:id', (request) => sim.updatePhoneNumber(request.params.id, input(request)));
  app.post('/tokens', (request) => sim.upsertToken(input(request)));
  app.patch<{ Params: { token: string } }>('/tokens/:token', (request) => sim.updateToken(request.params.token, input(request)));

  // ---- faults, delivery outcomes, webhook settings ------------------------------------------------
  app.get('/faults', () => sim.listFaults());
  app.post('/faults', (request, reply) => reply.code(201).send(sim.addFault(input(request))));
  app.delete('/faults', (_request, reply) => {
    sim.clearFaults();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/faults/:id', (request, reply) =>
    sim.removeFault(request.params.id) ? reply.code(204).send() : reply.code(404).send({ error: { message: 'no such fault' } }),
  );
  app.get('/delivery-outcomes', () => sim.listDeliveryOutcomes());
  app.post('/delivery-outcomes', (request, reply) => reply.code(201).send(sim.addDeliveryOutcome(input(request))));
  app.delete('/delivery-outcomes', (_request, reply) => {
    sim.clearDeliveryOutcomes();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/delivery-outcomes/:id', (request, reply) =>
    sim.removeDeliveryOutcome(request.params.id)
      ? reply.code(204).send()
      : reply.code(404).send({ error: { message: 'no such delivery outcome' } }),
  );
  app.get('/webhook-settings', () => sim.webhookSettings());
  app.patch('/webhook-settings', (request) => sim.updateWebhookSettings(input(request)));

  // ---- events Meta would send -----------------------------------------------------------------
  app.post('/inbound-messages', (request) => sim.sendInboundMessage(input(request)));
  app.post('/events/phone-number-quality-update', (request) => sim.sendQualityUpdate(input(request)));
  app.post('/events/message-template-status-update', (request) => sim.sendTemplateStatusUpdate(input(request)));
  app.post('/events/account-update', (request) => sim.sendAccountUpdate(input(request)));
  app.post('/events/raw', (request) => sim.sendRawWebhook(input(request)));
  app.post<{ Params: { appId: string } }>('/apps/:appId/verify-callback', (request) =>
    sim.verifyCallback({ appId: request.params.appId, ...VerifyBodySchema.parse(body(request)) }),
  );

  // ---- observability ---------------------------------------------------------------------------
  app.get('/stats', () => sim.stats());
  app.get('/requests', (request) => sim.requests(RequestsQuerySchema.parse(request.query)));
  app.get('/webhook-deliveries', () => sim.webhookDeliveries());
  app.post('/webhooks/flush', (_request, reply) => {
    sim.flushWebhooks();
    return reply.code(204).send();
  });
  app.post('/webhooks/wait', async (request) => ({ idle: await sim.waitForWebhooks(WaitBodySchema.parse(body(request)).timeoutMs) }));
  app.post('/reset', (request, reply) => {
    sim.reset(ResetBodySchema.parse(body(request)).scope as ResetScope | undefined);
    return reply.code(204).send();
  });

  // ---- sandbox ------------------------------------------------------------------------------
  app.post('/sandbox', (request) => seedSandbox(sim, SandboxSeedOptionsSchema.parse(body(request))));

  // Without this, /_sim/<typo> would fall through to the Graph routes and get a Graph error.
  app.all('/*', (request, reply) => reply.code(404).send({ error: { message: `no admin route ${request.method} ${request.url}` } }));
}
