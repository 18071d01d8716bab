/**
 * What an approved template expects from a send: how many parameters its header, body and buttons
 * take, and of which kind. Derived once when the template is configured, so the per-send check is
 * a few comparisons.
 */

export type HeaderShape =
  | { readonly kind: 'none' }
  | { readonly kind: 'text'; readonly params: readonly string[] }
  | { readonly kind: 'media'; readonly mediaType: 'image' | 'video' | 'document' }
  | { readonly kind: 'location' };

export interface ButtonShape {
  /** Meta's button type, upper case (URL, QUICK_REPLY, COPY_CODE, …). */
  readonly type: string;
  /** The `sub_type` a send must use to address this button. */
  readonly subType: string;
  /** Whether a send must supply a parameter (dynamic URL suffix, coupon code, OTP). */
  readonly requiresParam: boolean;
  /** Whether a send may supply one (quick-reply payload, flow action). */
  readonly acceptsParam: boolean;
}

export interface TemplateShape {
  readonly header: HeaderShape;
  readonly bodyText: string;
  /** Placeholder names in order of first appearance: '1', '2' or 'first_name', … */
  readonly bodyParams: readonly string[];
  readonly buttons: readonly ButtonShape[];
}

export interface TemplateComponentLike {
  readonly type: string;
  readonly format?: string;
  readonly text?: string;
  readonly buttons?: ReadonlyArray<{ readonly type: string; readonly url?: string }>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** Distinct placeholder names, in order of first appearance ({{1}} used twice is one parameter). */
export function placeholdersOf(text: string | undefined): string[] {
  if (!text) return [];
  const names: string[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (!names.includes(match[1])) names.push(match[1]);
  }
  return names;
}

function buttonShape(button: { readonly type: string; readonly url?: string }): ButtonShape {
  switch (button.type) {
    case 'URL': {
      const dynamic = placeholdersOf(button.url).length > 0;
      return { type: 'URL', subType: 'url', requiresParam: dynamic, acceptsParam: dynamic };
    }
    case 'QUICK_REPLY':
      return { type: 'QUICK_REPLY', subType: 'quick_reply', requiresParam: false, acceptsParam: true };
    case 'COPY_CODE':
      return { type: 'COPY_CODE', subType: 'copy_code', requiresParam: true, acceptsParam: true };
    // Authentication templates address their one-time-password button as a `url` button.
    case 'OTP':
      return { type: 'OTP', subType: 'url', requiresParam: true, acceptsParam: true };
    case 'FLOW':
      return { type: 'FLOW', subType: 'flow', requiresParam: false, acceptsParam: true };
    default:
      return { type: button.type, subType: button.type.toLowerCase(), requiresParam: false, acceptsParam: false };
  }
}

/**
 * @throws Error when the placeholders contradict the parameter format (a named template using {{1}},
 *   or positional placeholders that are not 1..n) — Meta would have rejected such a template.
 */
export function deriveTemplateShape(
  components: readonly TemplateComponentLike[],
  parameterFormat: 'POSITIONAL' | 'NAMED',
): TemplateShape {
  const headerComponent = components.find((component) => component.type === 'HEADER');
  const bodyComponent = components.find((component) => component.type === 'BODY');
  const buttonsComponent = components.find((component) => component.type === 'BUTTONS');

  let header: HeaderShape = { kind: 'none' };
  if (headerComponent) {
    const format = headerComponent.format ?? 'TEXT';
    if (format === 'TEXT') header = { kind: 'text', params: placeholdersOf(headerComponent.text) };
    else if (format === 'LOCATION') header = { kind: 'location' };
    else header = { kind: 'media', mediaType: format.toLowerCase() as 'image' | 'video' | 'document' };
  }

  const bodyParams = placeholdersOf(bodyComponent?.text);
  const textParams = [...bodyParams, ...(header.kind === 'text' ? header.params : [])];
  for (const name of textParams) {
    const numeric = /^\d+$/.test(name);
    if (parameterFormat === 'NAMED' && numeric) {
      throw new Error(`named template uses the positional placeholder {{${name}}}`);
    }
    if (parameterFormat === 'POSITIONAL' && !numeric) {
      throw new Error(`positional template uses the named placeholder {{${name}}}`);
    }
  }
  if (parameterFormat === 'POSITIONAL') {
    const sorted = [...bodyParams].map(Number).sort((a, b) => a - b);
    if (sorted.some((value, index) => value !== index + 1)) {
      throw new Error('positional placeholders must be numbered {{1}} to {{n}}');
    }
  }

  return {
    header,
    bodyText: bodyComponent?.text ?? '',
    bodyParams,
    buttons: (buttonsComponent?.buttons ?? []).map(buttonShape),
  };
}
