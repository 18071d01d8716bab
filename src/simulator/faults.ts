/**
 * Transport-level faults a test can inject into `POST /messages`, per phone number or recipient:
 * a Meta error, an HTTP 5xx with no body, a connection reset, a send that is accepted but never (or
 * very late) answered, and added latency.
 *
 * `accept` on `http` and `reset` models the nastiest case for a sender: Meta took the message (it
 * will be delivered and produce webhooks) but the answer never reached you.
 */
import { z } from 'zod';
import { RuleSelectorShape } from './rule-book.js';

export const FaultInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('error'),
    ...RuleSelectorShape,
    /** Any Meta code; known codes get Meta's title, details and HTTP status. */
    code: z.number().int().nonnegative(),
    subcode: z.number().int().optional(),
    details: z.string().optional(),
    /** Overrides the catalogue's status (e.g. 429 for 130429, as some copies of Meta's table say). */
    httpStatus: z.number().int().min(400).max(599).optional(),
  }),
  z.strictObject({
    kind: z.literal('http'),
    ...RuleSelectorShape,
    /** Answered with an empty body, like a load balancer in trouble. */
    status: z.number().int().min(400).max(599),
    accept: z.boolean().optional(),
  }),
  z.strictObject({ kind: z.literal('reset'), ...RuleSelectorShape, accept: z.boolean().optional() }),
  z.strictObject({
    kind: z.literal('timeout'),
    ...RuleSelectorShape,
    /** The send is processed (accepted sends produce webhooks); the answer comes after this long, or never. */
    answerAfterMs: z.number().int().positive().optional(),
  }),
  z.strictObject({ kind: z.literal('latency'), ...RuleSelectorShape, ms: z.number().int().nonnegative() }),
]);

export type FaultInput = z.input<typeof FaultInputSchema>;
export type Fault = z.output<typeof FaultInputSchema>;

export const isLatencyFault = (fault: Fault): boolean => fault.kind === 'latency';
export const isOutcomeFault = (fault: Fault): boolean => fault.kind !== 'latency';

/** Faults that replace the answer but let the send itself go through Meta's normal processing. */
export function processesSend(fault: Fault | undefined): boolean {
  if (!fault) return true;
  if (fault.kind === 'timeout') return true;
  if (fault.kind === 'http' || fault.kind === 'reset') return fault.accept === true;
  return false;
}
