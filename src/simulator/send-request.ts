/**
 * Reads the body of `POST /{phone-number-id}/messages` the way Meta does: the first problem found is
 * answered with Meta's code and a sentence naming the parameter.
 *
 * Hand-written rather than a zod schema on purpose: Meta distinguishes "the parameter X is required"
 * (100), "a parameter value is missing" (131008) and "not valid" (131009), and reports only the first
 * problem; mapping zod issues back onto those codes would be longer than these checks.
 */
import { metaError, type MetaError } from './meta-errors.js';

export interface SendParameter {
  readonly type: string;
  readonly text?: string;
  readonly parameterName?: string;
}

export interface SendComponent {
  /** Lower case: header, body, button, … */
  readonly type: string;
  readonly subType?: string;
  readonly index?: number;
  readonly parameters: readonly SendParameter[];
}

interface SendCommon {
  readonly to: string;
  readonly bizOpaqueCallbackData?: string;
  readonly contextMessageId?: string;
}

export type ParsedSend =
  | (SendCommon & {
      readonly type: 'template';
      readonly template: { readonly name: string; readonly languageCode: string; readonly components: readonly SendComponent[] };
    })
  | (SendCommon & { readonly type: 'text'; readonly text: { readonly body: string; readonly previewUrl: boolean } });

export type ParseResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: MetaError };

/** Message types Meta accepts; only template and text are simulated. */
const META_MESSAGE_TYPES = new Set([
  'audio', 'contacts', 'document', 'image', 'interactive', 'location', 'reaction', 'sticker', 'template', 'text', 'video',
]);
const COMPONENT_TYPES = new Set(['header', 'body', 'button', 'carousel', 'limited_time_offer', 'order_status']);
const MAX_TEXT_BODY = 4096;
const MAX_BIZ_OPAQUE = 512;

const required = (name: string): MetaError => metaError(100, `The parameter ${name} is required.`);
const invalid = (details: string): MetaError => metaError(100, details);
const missingValue = (details: string): MetaError => metaError(131008, details);
const notValid = (details: string): MetaError => metaError(131009, details);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function fail(error: MetaError): { ok: false; error: MetaError } {
  return { ok: false, error };
}

/** Reads `to` without validating the rest — fault rules need the recipient before full validation. */
export function peekRecipient(body: unknown): string | null {
  return isObject(body) && typeof body.to === 'string' ? body.to : null;
}

export function parseSendBody(body: unknown): ParseResult<ParsedSend> {
  if (!isObject(body)) return fail(invalid('The request body must be a JSON object.'));
  if (body.messaging_product === undefined) return fail(required('messaging_product'));
  if (body.messaging_product !== 'whatsapp') return fail(invalid('Param messaging_product must be "whatsapp".'));
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual' && body.recipient_type !== 'group') {
    return fail(invalid('Param recipient_type must be one of {INDIVIDUAL, GROUP}.'));
  }
  if (body.to === undefined) return fail(required('to'));
  if (typeof body.to !== 'string' || body.to.trim() === '') return fail(invalid('Param to must be a non-empty string.'));

  const bizOpaque = body.biz_opaque_callback_data;
  if (bizOpaque !== undefined) {
    if (typeof bizOpaque !== 'string') return fail(invalid('Param biz_opaque_callback_data must be a string.'));
    if (bizOpaque.length > MAX_BIZ_OPAQUE) {
      return fail(invalid(`Param biz_opaque_callback_data must be at most ${MAX_BIZ_OPAQUE} characters long.`));
    }
  }

  let contextMessageId: string | undefined;
  if (body.context !== undefined) {
    if (!isObject(body.context) || !isNonEmptyString(body.context.message_id)) return fail(required("context['message_id']"));
    contextMessageId = body.context.message_id;
  }

  // Meta defaults the type to text when it is omitted.
  const type = body.type ?? 'text';
  if (typeof type !== 'string' || !META_MESSAGE_TYPES.has(type)) {
    return fail(invalid(`Param type must be one of {${[...META_MESSAGE_TYPES].join(', ').toUpperCase()}}.`));
  }
  const common: SendCommon = { to: body.to, bizOpaqueCallbackData: bizOpaque as string | undefined, contextMessageId };

  if (type === 'text') {
    const text = body.text;
    if (!isObject(text) || text.body === undefined) return fail(required("text['body']"));
    if (!isNonEmptyString(text.body)) return fail(missingValue("The parameter text['body'] must be a non-empty string."));
    if (text.body.length > MAX_TEXT_BODY) {
      return fail(invalid(`Param text['body'] must be at most ${MAX_TEXT_BODY} characters long.`));
    }
    return { ok: true, value: { ...common, type: 'text', text: { body: text.body, previewUrl: text.preview_url === true } } };
  }
  if (type !== 'template') {
    return fail(invalid(`Messages of type ${type} are valid for Meta but not simulated; send template or text.`));
  }

  const template = body.template;
  if (!isObject(template)) return fail(required('template'));
  if (!isNonEmptyString(template.name)) return fail(required("template['name']"));
  if (!isObject(template.language)) return fail(required("template['language']"));
  if (!isNonEmptyString(template.language.code)) return fail(required("template['language']['code']"));
  const components = parseComponents(template.components);
  if (!components.ok) return components;
  return {
    ok: true,
    value: {
      ...common,
      type: 'template',
      template: { name: template.name, languageCode: template.language.code, components: components.value },
    },
  };
}

function parseComponents(raw: unknown): ParseResult<SendComponent[]> {
  if (raw === undefined) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return fail(invalid("Param template['components'] must be an array."));
  const components: SendComponent[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const where = `template['components'][${i}]`;
    const component: unknown = raw[i];
    if (!isObject(component)) return fail(invalid(`Param ${where} must be an object.`));
    if (!isNonEmptyString(component.type)) return fail(required(`${where}['type']`));
    const type = component.type.toLowerCase();
    if (!COMPONENT_TYPES.has(type)) {
      return fail(notValid(`Invalid component type '${component.type}' in ${where}.`));
    }
    let subType: string | undefined;
    let index: number | undefined;
    if (type === 'button') {
      if (!isNonEmptyString(component.sub_type)) return fail(missingValue(`Parameter 'sub_type' is required for ${where}.`));
      subType = component.sub_type.toLowerCase();
      if (component.index === undefined) return fail(missingValue(`Parameter 'index' is required for ${where}.`));
      index = Number(component.index);
      if (!Number.isInteger(index) || index < 0 || index > 9) {
        return fail(notValid(`Parameter 'index' of ${where} must be an integer between 0 and 9.`));
      }
    }
    const parameters = parseParameters(component.parameters, where);
    if (!parameters.ok) return parameters;
    components.push({ type, subType, index, parameters: parameters.value });
  }
  return { ok: true, value: components };
}

function parseParameters(raw: unknown, where: string): ParseResult<SendParameter[]> {
  if (raw === undefined) return { ok: true, value: [] };
  if (!Array.isArray(raw)) return fail(invalid(`Param ${where}['parameters'] must be an array.`));
  const parameters: SendParameter[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const parameter: unknown = raw[i];
    const at = `${where}['parameters'][${i}]`;
    if (!isObject(parameter)) return fail(invalid(`Param ${at} must be an object.`));
    if (!isNonEmptyString(parameter.type)) return fail(required(`${at}['type']`));
    const problem = parameterValueProblem(parameter.type, parameter);
    if (problem) return fail(problem);
    parameters.push({
      type: parameter.type,
      text: typeof parameter.text === 'string' ? parameter.text : undefined,
      parameterName: typeof parameter.parameter_name === 'string' ? parameter.parameter_name : undefined,
    });
  }
  return { ok: true, value: parameters };
}

/** Each parameter type carries its value in its own key; Meta answers 131008 when it is missing. */
function parameterValueProblem(type: string, parameter: Json): MetaError | null {
  switch (type) {
    case 'text':
      return isNonEmptyString(parameter.text) ? null : missingValue('Parameter of type text is missing text value.');
    case 'currency': {
      const currency = parameter.currency;
      const ok =
        isObject(currency) &&
        isNonEmptyString(currency.fallback_value) &&
        isNonEmptyString(currency.code) &&
        typeof currency.amount_1000 === 'number';
      return ok ? null : missingValue('Parameter of type currency needs fallback_value, code and amount_1000.');
    }
    case 'date_time': {
      const dateTime = parameter.date_time;
      return isObject(dateTime) && isNonEmptyString(dateTime.fallback_value)
        ? null
        : missingValue('Parameter of type date_time is missing fallback_value.');
    }
    case 'image':
    case 'video':
    case 'document': {
      const media = parameter[type];
      return isObject(media) && (isNonEmptyString(media.id) || isNonEmptyString(media.link))
        ? null
        : missingValue(`Parameter of type ${type} needs an id or a link.`);
    }
    case 'location': {
      const location = parameter.location;
      return isObject(location) && location.latitude !== undefined && location.longitude !== undefined
        ? null
        : missingValue('Parameter of type location needs latitude and longitude.');
    }
    case 'payload':
      return isNonEmptyString(parameter.payload) ? null : missingValue('Parameter of type payload is missing payload value.');
    case 'coupon_code':
      return isNonEmptyString(parameter.coupon_code) ? null : missingValue('Parameter of type coupon_code is missing coupon_code value.');
    case 'action':
      return isObject(parameter.action) ? null : missingValue('Parameter of type action is missing action value.');
    default:
      return notValid(`Parameter type '${type}' is not valid.`);
  }
}
