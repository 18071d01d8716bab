/**
 * How the simulator posts webhooks: pace of statuses, batching, chaos (duplicates, reordering,
 * delay) and retries. Defaults are realistic enough for the sandbox; tests shrink the delays.
 */
import { z } from 'zod';
import { FINAL_STATUSES } from './delivery-outcomes.js';

export const WebhookSettingsSchema = z.strictObject({
  /** Most updates (statuses, messages, account events) in one POST. Meta batches up to 1,000. @defaultValue 100 */
  batchSize: z.number().int().min(1).max(1000),
  /** How long updates are collected before a POST goes out. @defaultValue 50 */
  flushIntervalMs: z.number().int().nonnegative(),
  /** Gap between an accepted send and `sent`, and between each later status. @defaultValue 100 */
  statusIntervalMs: z.number().int().nonnegative(),
  /** Where the status chain stops for messages no delivery rule matches. @defaultValue 'read' */
  finalStatus: z.enum(FINAL_STATUSES),
  /**
   * Payload style of status webhooks: `v23` adds the `conversation` object on sent/delivered,
   * `v24` (Meta's current behaviour) omits it. @defaultValue 'v24'
   */
  statusStyle: z.enum(['v23', 'v24']),
  /** Add business-scoped user ids (`recipient_user_id`, `contacts[].user_id`) as Meta does since 2026. @defaultValue true */
  includeUserIds: z.boolean(),
  /** Fraction of updates posted twice (in a later POST), as Meta's retries and multi-app fan-out do. @defaultValue 0 */
  duplicateFraction: z.number().min(0).max(1),
  /** Fraction of messages whose statuses are emitted in reverse order (read before delivered before sent). @defaultValue 0 */
  reorderFraction: z.number().min(0).max(1),
  /** Added before the first status of every message. @defaultValue 0 */
  extraDelayMs: z.number().int().nonnegative(),
  /** Random extra delay per status, up to this many ms. @defaultValue 0 */
  jitterMs: z.number().int().nonnegative(),
  /** Wait before each retry of a POST not answered 200; its length bounds the attempts. @defaultValue [1000, 5000, 30000, 120000, 600000] */
  retryDelaysMs: z.array(z.number().int().nonnegative()).max(50),
  /** A POST not answered within this long counts as failed. @defaultValue 10000 */
  timeoutMs: z.number().int().positive(),
  /** POSTs in flight at once (Meta delivers concurrently). @defaultValue 8 */
  maxConcurrentPosts: z.number().int().positive(),
});

export type WebhookSettings = z.output<typeof WebhookSettingsSchema>;
export const WebhookSettingsPatchSchema = WebhookSettingsSchema.partial();
export type WebhookSettingsPatch = z.input<typeof WebhookSettingsPatchSchema>;

export const DEFAULT_WEBHOOK_SETTINGS: Readonly<WebhookSettings> = Object.freeze({
  batchSize: 100,
  flushIntervalMs: 50,
  statusIntervalMs: 100,
  finalStatus: 'read',
  statusStyle: 'v24',
  includeUserIds: true,
  duplicateFraction: 0,
  reorderFraction: 0,
  extraDelayMs: 0,
  jitterMs: 0,
  retryDelaysMs: [1000, 5000, 30_000, 120_000, 600_000],
  timeoutMs: 10_000,
  maxConcurrentPosts: 8,
});
