/** Webhook endpoints and their deliveries as the API shows them (never the secret). */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);

export function endpointView(doc: Doc) {
  return {
    id: String(doc._id),
    url: doc.url,
    events: doc.events ?? [],
    description: doc.description ?? null,
    createdAt: iso(doc.createdAt)!,
    consecutiveFailures: doc.consecutiveFailures ?? 0,
    lastDeliveredAt: iso(doc.lastDeliveredAt),
    lastFailedAt: iso(doc.lastFailedAt),
    lastError: doc.lastError ?? null,
  };
}

/** `queued` (handed to the delivery queue) is still pending to the client. */
const shownStatus = (status: string) => (status === 'queued' ? 'pending' : status) as 'pending' | 'delivered' | 'failed';

function parsedBody(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

export function deliveryView(doc: Doc) {
  const status = shownStatus(doc.status);
  return {
    id: String(doc._id),
    eventId: doc.eventId,
    type: doc.type,
    status,
    attempts: doc.attempts ?? 0,
    nextRetryAt: status === 'pending' ? iso(doc.nextAttemptAt) : null,
    answers: (doc.answers ?? []).map((answer: Doc) => ({
      at: iso(answer.at)!,
      durationMs: answer.durationMs ?? 0,
      statusCode: answer.statusCode ?? null,
      body: answer.body ?? null,
      error: answer.error ?? null,
    })),
    event: parsedBody(doc.body),
    createdAt: iso(doc.createdAt)!,
    deliveredAt: iso(doc.deliveredAt),
    failedAt: iso(doc.failedAt),
  };
}
