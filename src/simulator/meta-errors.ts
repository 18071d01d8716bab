/**
 * Meta's error catalogue as the simulator answers it: code → title, HTTP status, details.
 *
 * Titles and HTTP statuses follow Meta's "Error codes" table (see ../shared/meta-cloud-api.md §1.5 and
 * §2). The same catalogue feeds synchronous error envelopes and the `errors[]` of `failed` status
 * webhooks, so a code always reads the same wherever it appears.
 */
import { randomBytes } from 'node:crypto';

export interface MetaErrorSpec {
  readonly title: string;
  readonly httpStatus: number;
  readonly details: string;
  readonly subcode?: number;
}

const CATALOGUE: Readonly<Record<number, MetaErrorSpec>> = {
  0: { title: 'AuthException', httpStatus: 401, details: 'We were unable to authenticate the app user.' },
  1: { title: 'API Unknown', httpStatus: 400, details: 'Invalid request or possible server error.' },
  2: { title: 'API Service', httpStatus: 503, details: 'Temporary due to downtime or due to being overloaded.' },
  3: { title: 'API Method', httpStatus: 500, details: 'Capability or permissions issue.' },
  4: { title: 'API Too Many Calls', httpStatus: 400, details: 'The app has reached its API call rate limit.' },
  10: { title: 'Permission Denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  33: { title: 'Parameter value is not valid', httpStatus: 400, details: 'The business phone number has been deleted.' },
  100: { title: 'Invalid parameter', httpStatus: 400, details: 'The request included one or more unsupported or misspelled parameters.' },
  104: { title: 'An access token is required to request this resource.', httpStatus: 400, details: 'An access token is required to request this resource.' },
  190: { title: 'Access token has expired', httpStatus: 401, details: 'Your access token has expired.' },
  200: { title: 'API Permission', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  368: { title: 'Temporarily blocked for policies violations', httpStatus: 403, details: 'The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy.' },
  2500: { title: 'Unknown path components', httpStatus: 400, details: 'The requested path does not exist.' },
  80007: { title: 'Rate limit issues', httpStatus: 400, details: 'The WhatsApp Business Account has reached its rate limit.' },
  130429: {
    title: 'Rate limit hit',
    httpStatus: 400,
    details: 'Message failed to send because there were too many messages sent from this phone number in a short period of time',
    subcode: 2494055,
  },
  130472: { title: "User's number is part of an experiment", httpStatus: 400, details: "Message was not sent as part of an experiment." },
  130497: { title: 'Business account is restricted from messaging users in this country', httpStatus: 403, details: 'The business is restricted from messaging users in this country.' },
  131000: { title: 'Something went wrong', httpStatus: 500, details: 'Message failed to send due to an unknown error.' },
  131005: { title: 'Access denied', httpStatus: 403, details: 'Permission is either not granted or has been removed.' },
  131008: { title: 'Required parameter is missing', httpStatus: 400, details: 'The request is missing a required parameter.' },
  131009: { title: 'Parameter value is not valid', httpStatus: 400, details: 'One or more parameter values are invalid.' },
  131016: { title: 'Service unavailable', httpStatus: 500, details: 'A service is temporarily unavailable.' },
  131021: { title: 'Recipient cannot be sender', httpStatus: 400, details: 'Sender and recipient phone number is the same.' },
  131026: { title: 'Message undeliverable', httpStatus: 400, details: 'Message Undeliverable.' },
  131030: {
    title: 'Recipient phone number not in allowed list',
    httpStatus: 400,
    details: 'Recipient phone number not in allowed list: Add recipient phone number to recipient list and try again.',
  },
  131031: { title: 'Business Account locked', httpStatus: 403, details: 'The WhatsApp Business Account associated with the app has been restricted or disabled.' },
  131042: { title: 'Business eligibility payment issue', httpStatus: 400, details: 'Message failed to send because there were one or more errors related to your payment method.' },
  131045: { title: 'Incorrect certificate', httpStatus: 500, details: 'Message failed to send due to a phone number registration error.' },
  131047: {
    title: 'Re-engagement message',
    httpStatus: 400,
    details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  },
  131048: { title: 'Spam rate limit hit', httpStatus: 400, details: 'Message failed to send because there are restrictions on how many messages can be sent from this phone number.' },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    httpStatus: 400,
    details: 'In order to maintain a healthy ecosystem engagement, the message failed to be delivered.',
  },
  131050: {
    title: 'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    httpStatus: 400,
    details: 'The user has stopped marketing messages from this business.',
  },
  131051: { title: 'Unsupported message type', httpStatus: 400, details: 'Unsupported message type.' },
  131053: { title: 'Media upload error', httpStatus: 400, details: 'Unable to upload the media used in the message.' },
  131056: {
    title: '(Business Account, Consumer Account) pair rate limit hit',
    httpStatus: 400,
    details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  },
  131057: { title: 'Account in maintenance mode', httpStatus: 500, details: 'Business Account is in maintenance mode.' },
  131058: { title: 'Hello World templates can only be sent from the Public Test Numbers', httpStatus: 400, details: 'Send an approved template of your own instead.' },
  132000: {
    title: 'Number of parameters does not match the expected number of params',
    httpStatus: 400,
    details: 'The number of variable parameter values included in the request did not match the number of variable parameters defined in the template.',
  },
  132001: { title: 'Template name does not exist in the translation', httpStatus: 404, details: 'The template does not exist in the specified language or the template has not been approved.' },
  132005: { title: 'Translated text too long', httpStatus: 400, details: 'Translated text is too long.' },
  132007: { title: 'Template Format Character Policy Violated', httpStatus: 400, details: 'Template content violates a WhatsApp policy.' },
  132012: { title: 'Parameter format does not match format in the created template', httpStatus: 400, details: 'Variable parameter values formatted incorrectly.' },
  132015: { title: 'Template is Paused', httpStatus: 400, details: 'Template is paused due to low quality so it cannot be sent in a template message.' },
  132016: { title: 'Template is Disabled', httpStatus: 400, details: 'Template has been paused too many times due to low quality and is now permanently disabled.' },
  132018: { title: 'There was an issue with the parameters in your template.', httpStatus: 400, details: 'Param text cannot have new-line/tab characters or more than 4 consecutive spaces.' },
  132068: { title: 'Flow is in blocked state', httpStatus: 400, details: 'Flow is in blocked state.' },
  132069: { title: 'Flow is in throttled state', httpStatus: 400, details: 'Flow is in throttled state and 10 messages using this flow were already sent in the last hour.' },
  133000: { title: 'Incomplete deregistration', httpStatus: 500, details: 'A previous deregistration attempt failed.' },
  133004: { title: 'Server Temporarily Unavailable', httpStatus: 503, details: 'Server is temporarily unavailable.' },
  133010: { title: 'Account not registered', httpStatus: 400, details: 'The phone number is not registered on the WhatsApp Business Platform.' },
  135000: { title: 'Generic user error', httpStatus: 400, details: 'Message failed to send because of an unknown error with your request parameters.' },
};

/** Looks a code up; codes Meta reserves as ranges (200–299) and unknown codes get a usable fallback. */
export function metaErrorSpec(code: number): MetaErrorSpec {
  const known = CATALOGUE[code];
  if (known) return known;
  if (code >= 200 && code <= 299) return CATALOGUE[200];
  return { title: 'Simulated error', httpStatus: 400, details: `Simulated error ${code}.` };
}

/** One error the simulator decided to answer, before it is turned into Meta's JSON. */
export interface MetaError {
  readonly code: number;
  readonly subcode?: number;
  /** Overrides the catalogue's details sentence. */
  readonly details?: string;
  readonly httpStatus?: number;
  /**
   * Graph-level errors (bad token, unknown object) are raised by the Graph layer rather than the
   * WhatsApp product: Meta answers them with a plain sentence as `message`, no `(#code)` prefix and no
   * `error_data`. Product errors carry `error_data.messaging_product` and `details`.
   */
  readonly graph?: { readonly message: string; readonly type?: string };
  /** Extra response headers (e.g. `WWW-Authenticate` on 401). */
  readonly headers?: Readonly<Record<string, string>>;
}

export function metaError(code: number, details?: string, extra: Partial<MetaError> = {}): MetaError {
  return { code, details, ...extra };
}

export function httpStatusOf(error: MetaError): number {
  return error.httpStatus ?? metaErrorSpec(error.code).httpStatus;
}

/** Meta's trace ids look like `Az8or2yhqkZfEZ-_4Qn_Bam`: 23 url-safe base64 characters. */
export function newFbtraceId(): string {
  return randomBytes(18).toString('base64url').slice(0, 23);
}

export interface MetaErrorEnvelope {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data?: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
}

/** The synchronous error body, in Meta's key order. */
export function errorEnvelope(error: MetaError, fbtraceId = newFbtraceId()): MetaErrorEnvelope {
  const spec = metaErrorSpec(error.code);
  const subcode = error.subcode ?? spec.subcode;
  if (error.graph) {
    return {
      error: {
        message: error.graph.message,
        type: error.graph.type ?? 'OAuthException',
        code: error.code,
        ...(subcode === undefined ? {} : { error_subcode: subcode }),
        fbtrace_id: fbtraceId,
      },
    };
  }
  return {
    error: {
      message: `(#${error.code}) ${spec.title}`,
      type: 'OAuthException',
      code: error.code,
      error_data: { messaging_product: 'whatsapp', details: error.details ?? spec.details },
      ...(subcode === undefined ? {} : { error_subcode: subcode }),
      fbtrace_id: fbtraceId,
    },
  };
}

/** The `errors[]` item of a `failed` status webhook (title and message are the same string). */
export function webhookErrorItem(code: number, details?: string) {
  const spec = metaErrorSpec(code);
  return {
    code,
    title: spec.title,
    message: spec.title,
    error_data: { details: details ?? spec.details },
    href: '/documentation/business-messaging/whatsapp/support/error-codes',
  };
}

// ---- Graph-level errors, worded the way Graph words them -------------------------------------

const GRAPH_DOCS = 'Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api';

export function invalidTokenError(): MetaError {
  const message = 'Invalid OAuth access token - Cannot parse access token';
  return {
    code: 190,
    graph: { message },
    headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
  };
}

export function expiredTokenError(expiredAtMs: number, nowMs: number): MetaError {
  const message =
    `Error validating access token: Session has expired on ${new Date(expiredAtMs).toUTCString()}. ` +
    `The current time is ${new Date(nowMs).toUTCString()}.`;
  return {
    code: 190,
    subcode: 463,
    graph: { message },
    headers: { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${message}"` },
  };
}

/** Code 100 / subcode 33: the id is unknown, or the token has no access to it. Meta cannot tell them apart either. */
export function unknownObjectError(objectId: string, method: 'get' | 'post' | 'delete'): MetaError {
  return {
    code: 100,
    subcode: 33,
    graph: {
      type: 'GraphMethodException',
      message:
        `Unsupported ${method} request. Object with ID '${objectId}' does not exist, cannot be loaded due to ` +
        `missing permissions, or does not support this operation. ${GRAPH_DOCS}`,
    },
  };
}

export function nonexistingFieldError(field: string, nodeType: string): MetaError {
  return { code: 100, graph: { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})` } };
}

export function unknownPathError(path: string): MetaError {
  return { code: 2500, graph: { message: `Unknown path components: ${path}` } };
}

export function missingAccessTokenError(): MetaError {
  return { code: 104, graph: { message: 'An access token is required to request this resource.' } };
}

export function invalidAppsecretProofError(): MetaError {
  return { code: 100, graph: { message: 'Invalid appsecret_proof provided in the API argument' } };
}
