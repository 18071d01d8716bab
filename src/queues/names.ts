/**
 * BullMQ queue names.
 * WARNING: these strings are keys in Redis shared by every running API and worker process.
 * Renaming one strands the jobs already queued under the old name; plan a migration first.
 */
export const QUEUE = {
  /** One job per message to send to the Graph API; job id = message id. */
  send: 'send',
  /** One job per stored Meta webhook delivery; job id = webhook event id. */
  webhookEvents: 'webhook-events',
  /** Credential verification against the Graph API. */
  credentialChecks: 'credential-checks',
  /** Signed deliveries of our events to clients' webhook endpoints. */
  outboundEvents: 'outbound-events',
  /** Periodic housekeeping: reconciler, scheduled campaign starts, credential re-checks. */
  maintenance: 'maintenance',
} as const;

export type QueueName = (typeof QUEUE)[keyof typeof QUEUE];

export const QUEUE_NAMES: readonly QueueName[] = Object.values(QUEUE);

/** Hash-tagged so that, on Redis Cluster, every key of a queue lands in one slot. */
export const DEFAULT_KEY_PREFIX = '{ocm}';
