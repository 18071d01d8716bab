/**
 * `POST /{version}/{phone-number-id}/messages`: token and number checks, then injected faults,
 * then Meta's decision (send-pipeline.ts), recorded for observability, then the answer — or a
 * deliberate failure to answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../auth.js';
import type { SimulatorContext } from '../context.js';
import { isLatencyFault, isOutcomeFault, processesSend, type Fault } from '../faults.js';
import type { Holds } from '../holds.js';
import { httpStatusOf, metaError, unknownObjectError, type MetaError } from '../meta-errors.js';
import type { ReceivedRequest } from '../recorder.js';
import { recipientKey, toWaId } from '../recipients.js';
import { processSend, type SendOutcome } from '../send-pipeline.js';
import { peekRecipient } from '../send-request.js';
import { rejectBadVersion, replyEmpty, replyMetaError, resetConnection } from './graph-reply.js';

interface SendRoute {
  Params: { version: string; phoneNumberId: string };
  Querystring: Record<string, unknown>;
}

export function registerMessagesRoutes(app: FastifyInstance, ctx: SimulatorContext, holds: Holds): void {
  app.post<SendRoute>('/:version/:phoneNumberId/messages', async (request, reply) => {
    const { version, phoneNumberId } = request.params;
    const badVersion = rejectBadVersion(request, reply, version);
    if (badVersion) return badVersion;
    const at = ctx.now();
    const rawTo = peekRecipient(request.body);
    const base = { at, phoneNumberId, recipient: rawTo === null ? null : recipientKey(rawTo), type: null, template: null, wamid: null };

    const auth = authenticate(ctx, { authorization: request.headers.authorization, query: request.query });
    const phone = auth.ok ? ctx.state.visiblePhoneNumber(auth.token, phoneNumberId) : undefined;
    if (!auth.ok || !phone) {
      const error = auth.ok ? unknownObjectError(phoneNumberId, 'post') : auth.error;
      ctx.recorder.record({ ...base, outcome: 'rejected', code: error.code, httpStatus: httpStatusOf(error), fault: null });
      return replyMetaError(reply, error);
    }

    const recipient = rawTo === null ? null : toWaId(rawTo, phone.countryCode);
    const fault = ctx.faults.take(phone.id, recipient, isOutcomeFault);
    const latency = ctx.faults.take(phone.id, recipient, isLatencyFault);
    const outcome = processesSend(fault) ? processSend(ctx, phone, request.body, at) : null;
    ctx.recorder.record(describe(base, fault, outcome));
    if (fault || latency) ctx.logger.debug({ phoneNumberId, recipient, fault, latency }, 'fault injected');

    if (latency?.kind === 'latency' && (await holds.hold(latency.ms)) === 'released') return resetConnection(request, reply);
    return answer(request, reply, holds, fault, outcome);
  });
}

async function answer(
  request: FastifyRequest,
  reply: FastifyReply,
  holds: Holds,
  fault: Fault | undefined,
  outcome: SendOutcome | null,
) {
  switch (fault?.kind) {
    case 'error':
      return replyMetaError(reply, faultError(fault));
    case 'http':
      return replyEmpty(reply, fault.status);
    case 'reset':
      return resetConnection(request, reply);
    case 'timeout':
      if ((await holds.hold(fault.answerAfterMs)) === 'released') return resetConnection(request, reply);
      break;
    default:
      break;
  }
  if (!outcome) return replyMetaError(reply, metaError(131000));
  return outcome.kind === 'accepted' ? reply.code(200).send(outcome.body) : replyMetaError(reply, outcome.error);
}

function faultError(fault: Extract<Fault, { kind: 'error' }>): MetaError {
  return metaError(fault.code, fault.details, {
    ...(fault.subcode !== undefined && { subcode: fault.subcode }),
    ...(fault.httpStatus !== undefined && { httpStatus: fault.httpStatus }),
  });
}

type RequestBase = Pick<ReceivedRequest, 'at' | 'phoneNumberId' | 'recipient' | 'type' | 'template' | 'wamid'>;

/** One line of the request log: what Meta decided and what the client actually saw. */
function describe(base: RequestBase, fault: Fault | undefined, outcome: SendOutcome | null): ReceivedRequest {
  const faultName = fault?.kind ?? null;
  if (!outcome) {
    const isError = fault?.kind === 'error';
    return {
      ...base,
      outcome: 'faulted',
      code: isError ? fault.code : null,
      httpStatus: isError ? httpStatusOf(faultError(fault)) : fault?.kind === 'http' ? fault.status : null,
      fault: faultName,
    };
  }
  const facts = { ...base, recipient: outcome.recipient ?? base.recipient, type: outcome.type, template: outcome.template };
  const normalStatus = outcome.kind === 'accepted' ? 200 : httpStatusOf(outcome.error);
  let httpStatus: number | null = normalStatus;
  if (fault?.kind === 'http') httpStatus = fault.status;
  else if (fault?.kind === 'reset' || (fault?.kind === 'timeout' && fault.answerAfterMs === undefined)) httpStatus = null;
  return outcome.kind === 'accepted'
    ? { ...facts, outcome: 'accepted', code: null, httpStatus, wamid: outcome.wamid, fault: faultName }
    : { ...facts, outcome: 'rejected', code: outcome.error.code, httpStatus, fault: faultName };
}
