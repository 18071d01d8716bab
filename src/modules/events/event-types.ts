/**
 * The events client systems can subscribe to (contract §3, "Events for client systems"), and the
 * shape of what we post. Optional fields are left out rather than sent as null.
 * WARNING: type names and payload fields are a public contract; add, never rename.
 */
export const EVENT_TYPES = ['message.status', 'message.inbound', 'campaign.status', 'credential.status', 'optout.created'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Sent by `POST /v1/webhook-endpoints/:id/test`, whatever the endpoint subscribes to. */
export const TEST_EVENT_TYPE = 'endpoint.test';

export interface MessageStatusData {
  messageId: string;
  campaignId?: string;
  ref?: string;
  to: string;
  status: string;
  wamid?: string;
  error?: { code?: number; title?: string; message?: string };
  pricing?: { billable?: boolean; pricingModel?: string; type?: string; category?: string };
  at: string;
}

export interface MessageInboundData {
  credentialId: string;
  from: string;
  type: string;
  text?: string;
  at: string;
}

export interface CampaignStatusData {
  campaignId: string;
  status: string;
  reason?: string;
  counts: Record<string, number>;
}

export interface CredentialStatusData {
  credentialId: string;
  status: string;
  lastError?: string;
}

export interface OptOutCreatedData {
  phone: string;
  source: string;
}

export interface EndpointTestData {
  endpointId: string;
  message: string;
}

export interface EventDataByType {
  'message.status': MessageStatusData;
  'message.inbound': MessageInboundData;
  'campaign.status': CampaignStatusData;
  'credential.status': CredentialStatusData;
  'optout.created': OptOutCreatedData;
  [TEST_EVENT_TYPE]: EndpointTestData;
}

/** What a client's endpoint receives as the request body. */
export interface EventEnvelope<T extends keyof EventDataByType = keyof EventDataByType> {
  id: string;
  type: T;
  createdAt: string;
  data: EventDataByType[T];
}
