/**
 * Does a template send fit the approved template? Status first (132001/132015/132016), then
 * parameter counts (132000), kinds and named/positional format (132012), and the content rules Meta
 * applies to body parameters (132018, 132005).
 */
import { metaError, type MetaError } from './meta-errors.js';
import type { SendComponent, SendParameter } from './send-request.js';
import type { SimTemplate } from './state.js';

const MAX_BODY_LENGTH = 1024;
const BODY_PARAMETER_TYPES = new Set(['text', 'currency', 'date_time']);
/** The parameter type each button sub_type takes. */
const BUTTON_PARAMETER_TYPE: Readonly<Record<string, string>> = {
  url: 'text',
  quick_reply: 'payload',
  copy_code: 'coupon_code',
  flow: 'action',
};
/** Meta refuses body parameters with new lines, tabs or more than 4 consecutive spaces. */
const FORBIDDEN_IN_BODY_PARAM = /[\n\t]| {5,}/;

export function templateStatusError(template: SimTemplate | undefined, name: string, language: string): MetaError | null {
  if (!template) return metaError(132001, `template name (${name}) does not exist in ${language}`);
  switch (template.status) {
    case 'APPROVED':
      return null;
    case 'PAUSED':
      return metaError(132015, `Template ${name} (${language}) is paused due to low quality.`);
    case 'DISABLED':
      return metaError(132016, `Template ${name} (${language}) is disabled.`);
    default:
      return metaError(132001, `template name (${name}) in ${language} has status ${template.status}, not APPROVED`);
  }
}

const countMismatch = (where: string, received: number, expected: number): MetaError =>
  metaError(132000, `${where}: number of localizable_params (${received}) does not match the expected number of params (${expected})`);

export function checkTemplateParameters(template: SimTemplate, components: readonly SendComponent[]): MetaError | null {
  let header: SendComponent | undefined;
  let body: SendComponent | undefined;
  const buttons = new Map<number, SendComponent>();
  for (const component of components) {
    if (component.type === 'header') {
      if (header) return metaError(131009, 'Only one header component is allowed.');
      header = component;
    } else if (component.type === 'body') {
      if (body) return metaError(131009, 'Only one body component is allowed.');
      body = component;
    } else if (component.type === 'button') {
      if (buttons.has(component.index ?? -1)) return metaError(131009, `Button index ${component.index} appears twice.`);
      buttons.set(component.index ?? -1, component);
    }
  }
  return checkHeader(template, header) ?? checkBody(template, body) ?? checkButtons(template, buttons);
}

function checkHeader(template: SimTemplate, header: SendComponent | undefined): MetaError | null {
  const shape = template.shape.header;
  const parameters = header?.parameters ?? [];
  switch (shape.kind) {
    case 'none':
      return parameters.length > 0 ? countMismatch('header', parameters.length, 0) : null;
    case 'text':
      if (parameters.length !== shape.params.length) return countMismatch('header', parameters.length, shape.params.length);
      if (parameters.some((p) => p.type !== 'text')) return metaError(132012, 'header: parameters of a text header must be of type text');
      return checkFormat(template, 'header', parameters, shape.params);
    case 'media':
    case 'location': {
      const expectedType = shape.kind === 'media' ? shape.mediaType : 'location';
      if (parameters.length !== 1) return countMismatch('header', parameters.length, 1);
      return parameters[0].type === expectedType
        ? null
        : metaError(132012, `header: expected a parameter of type ${expectedType}, received ${parameters[0].type}`);
    }
  }
}

function checkBody(template: SimTemplate, body: SendComponent | undefined): MetaError | null {
  const expected = template.shape.bodyParams;
  const parameters = body?.parameters ?? [];
  if (parameters.length !== expected.length) return countMismatch('body', parameters.length, expected.length);
  const wrongType = parameters.find((p) => !BODY_PARAMETER_TYPES.has(p.type));
  if (wrongType) return metaError(132012, `body: parameters must be text, currency or date_time, not ${wrongType.type}`);
  const formatError = checkFormat(template, 'body', parameters, expected);
  if (formatError) return formatError;
  let length = template.shape.bodyText.length;
  for (const parameter of parameters) {
    const value = parameter.text ?? '';
    if (parameter.type === 'text' && FORBIDDEN_IN_BODY_PARAM.test(value)) return metaError(132018);
    length += value.length;
  }
  return length > MAX_BODY_LENGTH ? metaError(132005, `The body would be ${length} characters long; the limit is ${MAX_BODY_LENGTH}.`) : null;
}

/** Named templates need `parameter_name` on every parameter, matching the placeholders; positional ones must not use it. */
function checkFormat(
  template: SimTemplate,
  where: string,
  parameters: readonly SendParameter[],
  expectedNames: readonly string[],
): MetaError | null {
  if (template.parameterFormat === 'POSITIONAL') {
    return parameters.some((p) => p.parameterName !== undefined)
      ? metaError(132012, `${where}: the template uses positional parameters; parameter_name is not expected`)
      : null;
  }
  const given = parameters.map((p) => p.parameterName);
  const missing = expectedNames.filter((name) => !given.includes(name));
  return missing.length > 0
    ? metaError(132012, `${where}: named parameters expected: ${expectedNames.join(', ')}; missing: ${missing.join(', ')}`)
    : null;
}

function checkButtons(template: SimTemplate, sent: ReadonlyMap<number, SendComponent>): MetaError | null {
  const shapes = template.shape.buttons;
  for (const [index, component] of sent) {
    const shape = shapes[index];
    if (!shape) return metaError(131009, `buttons: the template has no button at index ${index}`);
    if (component.subType !== shape.subType) {
      return metaError(131009, `buttons: button at index ${index} is of sub_type ${shape.subType}, not ${component.subType}`);
    }
    const count = component.parameters.length;
    if (shape.requiresParam && count !== 1) return countMismatch(`button at index ${index}`, count, 1);
    if (!shape.acceptsParam && count > 0) return countMismatch(`button at index ${index}`, count, 0);
    if (count > 1) return countMismatch(`button at index ${index}`, count, 1);
    const expectedType = BUTTON_PARAMETER_TYPE[shape.subType];
    if (count === 1 && expectedType && component.parameters[0].type !== expectedType) {
      return metaError(131009, `buttons: a ${shape.subType} button takes a parameter of type ${expectedType}`);
    }
  }
  const missing = shapes.findIndex((shape, index) => shape.requiresParam && !sent.has(index));
  return missing >= 0 ? countMismatch(`button at index ${missing}`, 0, 1) : null;
}
