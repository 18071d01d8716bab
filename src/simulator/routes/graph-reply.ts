/**
 * Writing Graph answers: Meta's error envelope with its HTTP status and headers, the trace headers
 * every Graph answer carries, and the transport failures tests inject.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorEnvelope, httpStatusOf, newFbtraceId, unknownPathError, type MetaError } from '../meta-errors.js';

/** Graph versions look like v23.0. */
export const GRAPH_VERSION = /^v\d+\.\d+$/;

export function replyMetaError(reply: FastifyReply, error: MetaError) {
  const fbtraceId = newFbtraceId();
  if (error.headers) reply.headers(error.headers);
  return reply.code(httpStatusOf(error)).header('x-fb-trace-id', fbtraceId).send(errorEnvelope(error, fbtraceId));
}

/** @returns an answer already sent when the version segment is not a Graph version. */
export function rejectBadVersion(request: FastifyRequest, reply: FastifyReply, version: string) {
  if (GRAPH_VERSION.test(version)) return null;
  return replyMetaError(reply, unknownPathError(request.url.split('?')[0]));
}

/** An answer with no body at all, as a failing proxy in front of Meta would give. */
export function replyEmpty(reply: FastifyReply, status: number) {
  return reply.code(status).send();
}

/** Drops the TCP connection without answering (RST where Node supports it). */
export function resetConnection(request: FastifyRequest, reply: FastifyReply): void {
  reply.hijack();
  const socket = request.raw.socket;
  if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
  else socket.destroy();
}
