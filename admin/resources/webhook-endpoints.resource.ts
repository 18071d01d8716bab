/**
 * Clients' webhook endpoints and their delivery health. The signing secret never leaves the
 * database (cut out by GuardedResource); an endpoint created here shows its secret once, exactly
 * as the API does. Creating, testing and deleting go through the endpoints service, so the URL
 * policy (http(s), no private addresses in production) holds here too.
 */
import type { ActionHandler, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { CreateEndpointBody } from '../../src/modules/events/endpoints.schemas.js';
import { Components } from '../component-loader.js';
import type { AdminServices } from '../services.js';
import { errorNotice, fieldErrors, isOperatorFacing, listUrl, rejectedForm, serviceRecordAction, showUrl, successNotice, textField } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const createEndpoint = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const empty = context.resource.build({}).toJSON(context.currentAdmin);
  if (request.method !== 'post') return { record: empty };
  const clientId = textField(request.payload, 'clientId') ?? '';
  const events = textField(request.payload, 'events')?.split(/[\s,]+/).filter(Boolean);
  const parsed = CreateEndpointBody.safeParse({ url: textField(request.payload, 'url'), events, description: textField(request.payload, 'description') });
  if (!parsed.success) return rejectedForm(empty, fieldErrors(parsed.error.issues), 'Some fields need attention.');
  try {
    const created = await services.endpoints.create(clientId, parsed.data);
    const record = await context.resource.findOne(created.id, context);
    return { record: record!.toJSON(context.currentAdmin), notice: successNotice('Webhook endpoint created.'), shownOnce: created.secret, recordUrl: showUrl(context, created.id) };
  } catch (error) {
    if (!isOperatorFacing(error)) throw error;
    return { record: empty, notice: errorNotice(error.message) };
  }
};

const deleteEndpoint = (services: AdminServices): ActionHandler<RecordActionResponse> => async (request, _response, context) => {
  const record = context.record!;
  if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
  await services.endpoints.remove(String(record.params.clientId), String(record.id()));
  return { record: record.toJSON(context.currentAdmin), notice: successNotice('Webhook endpoint deleted with its pending deliveries.'), redirectUrl: listUrl(context) };
};

export function webhookEndpointsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  return {
    resource: new GuardedResource(deps.models.WebhookEndpoint, ['secret', 'dueVersion']),
    options: {
      navigation: NAV.clients,
      titleProperty: 'url',
      listProperties: ['url', 'clientId', 'events', 'consecutiveFailures', 'lastDeliveredAt', 'lastFailedAt', 'createdAt'],
      showProperties: ['_id', 'url', 'clientId', 'description', 'events', 'consecutiveFailures', 'lastDeliveredAt', 'lastFailedAt', 'lastError', 'nextDueAt', 'createdAt'],
      filterProperties: ['clientId', 'url', 'consecutiveFailures', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: {
        consecutiveFailures: { description: 'Failed attempts in a row; a failing endpoint gets one delivery at a time until one succeeds.' },
        lastError: { type: 'textarea' },
      },
      translations: { en: { actions: { new: 'New endpoint', sendTest: 'Send test event', deliveries: 'Deliveries' } } },
      actions: {
        new: {
          component: Components.ActionForm,
          handler: createEndpoint(services),
          custom: {
            fields: [
              { name: 'clientId', label: 'Client id' },
              { name: 'url', label: 'URL', placeholder: 'https://crm.example.com/ocm-events' },
              { name: 'events', label: 'Event types (blank for all)', placeholder: 'message.status, campaign.status' },
              { name: 'description', label: 'Description (optional)' },
            ],
            submitLabel: 'Create', shownOnceLabel: 'Signing secret',
            shownOnceNote: 'Give this secret to the client now: it signs every event (OCM-Signature) and is not shown again.',
          },
        },
        edit: { isAccessible: false },
        delete: { handler: deleteEndpoint(services), guard: 'Delete this endpoint? Its pending deliveries are dropped.' },
        bulkDelete: { isAccessible: false },
        sendTest: {
          actionType: 'record', icon: 'Send', component: false,
          handler: serviceRecordAction(async (id, context) => {
            const { eventId } = await services.endpoints.sendTest(String(context.record!.params.clientId), id);
            return `Test event ${eventId} queued; see its delivery under Deliveries.`;
          }),
        },
        deliveries: {
          actionType: 'record', icon: 'List', component: false, custom: { readOnly: true },
          handler: async (_request, _response, context) => ({
            record: context.record!.toJSON(context.currentAdmin),
            redirectUrl: `${context.h.resourceUrl({ resourceId: 'EventDelivery' })}?filters.endpointId=${context.record!.id()}`,
          }),
        },
      },
    },
  };
}
