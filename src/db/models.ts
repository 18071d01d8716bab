/**
 * Every Mongoose model, bound to one connection. Features add their model here, declared in
 * `db/models/<entity>.model.ts`, so that one place shows the whole schema of the system.
 */
import type { Connection } from 'mongoose';
import { adminSessionModel } from './models/admin-session.model.js';
import { apiKeyModel } from './models/api-key.model.js';
import { auditLogModel } from './models/audit-log.model.js';
import { clientModel } from './models/client.model.js';
import { campaignModel } from './models/campaign.model.js';
import { contactModel } from './models/contact.model.js';
import { credentialModel } from './models/credential.model.js';
import { eventDeliveryModel } from './models/event-delivery.model.js';
import { idempotencyModel } from './models/idempotency.model.js';
import { inboundMessageModel } from './models/inbound-message.model.js';
import { messageModel } from './models/message.model.js';
import { optOutModel } from './models/opt-out.model.js';
import { operatorModel } from './models/operator.model.js';
import { templateModel } from './models/template.model.js';
import { webhookEndpointModel } from './models/webhook-endpoint.model.js';
import { webhookEventModel } from './models/webhook-event.model.js';
import { webhookMarkerModel } from './models/webhook-marker.model.js';

export function createModels(connection: Connection) {
  return {
    Client: clientModel(connection),
    ApiKey: apiKeyModel(connection),
    Credential: credentialModel(connection),
    Template: templateModel(connection),
    Operator: operatorModel(connection),
    Campaign: campaignModel(connection),
    Message: messageModel(connection),
    OptOut: optOutModel(connection),
    IdempotencyRecord: idempotencyModel(connection),
    Contact: contactModel(connection),
    WebhookEvent: webhookEventModel(connection),
    WebhookMarker: webhookMarkerModel(connection),
    InboundMessage: inboundMessageModel(connection),
    AdminSession: adminSessionModel(connection),
    AuditLog: auditLogModel(connection),
    WebhookEndpoint: webhookEndpointModel(connection),
    EventDelivery: eventDeliveryModel(connection),
  };
}

export type Models = ReturnType<typeof createModels>;

/** Builds the indexes every model declares (unique constraints are correctness, not speed). */
export async function ensureIndexes(models: Models): Promise<void> {
  await Promise.all(Object.values(models).map((model) => model.init()));
}
