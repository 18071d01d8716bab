/**
 * What happens to an accepted message afterwards, as status webhooks tell it: the usual
 * sent → delivered → read, a stop earlier in that chain, or `failed` with a chosen code (131026
 * undeliverable, 131049 ecosystem cap, 131050 marketing opt-out, …), per recipient or for a fraction.
 */
import { z } from 'zod';
import { RuleSelectorShape } from './rule-book.js';

export const FINAL_STATUSES = ['none', 'sent', 'delivered', 'read'] as const;
export type FinalStatus = (typeof FINAL_STATUSES)[number];

export const DeliveryOutcomeInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fail'),
    ...RuleSelectorShape,
    code: z.number().int().nonnegative(),
    details: z.string().optional(),
    /** Send `sent` first, then `failed` (Meta does both; async-only errors usually come alone). */
    afterSent: z.boolean().optional(),
  }),
  z.strictObject({
    kind: z.literal('final-status'),
    ...RuleSelectorShape,
    /** The last status reported; `none` = no webhook at all (a message lost in the dark). */
    status: z.enum(FINAL_STATUSES),
  }),
]);

export type DeliveryOutcomeInput = z.input<typeof DeliveryOutcomeInputSchema>;
export type DeliveryOutcome = z.output<typeof DeliveryOutcomeInputSchema>;

export interface PlannedStatus {
  readonly status: 'sent' | 'delivered' | 'read' | 'failed';
  readonly errorCode?: number;
  readonly errorDetails?: string;
}

const SENT: PlannedStatus = { status: 'sent' };
const DELIVERED: PlannedStatus = { status: 'delivered' };
const READ: PlannedStatus = { status: 'read' };
const CHAINS: Record<FinalStatus, readonly PlannedStatus[]> = {
  none: [],
  sent: [SENT],
  delivered: [SENT, DELIVERED],
  read: [SENT, DELIVERED, READ],
};

/** The statuses to report for one message, in their natural order. */
export function planStatuses(outcome: DeliveryOutcome | undefined, defaultFinal: FinalStatus): readonly PlannedStatus[] {
  if (!outcome) return CHAINS[defaultFinal];
  if (outcome.kind === 'final-status') return CHAINS[outcome.status];
  const failed: PlannedStatus = { status: 'failed', errorCode: outcome.code, errorDetails: outcome.details };
  return outcome.afterSent ? [SENT, failed] : [failed];
}
