/**
 * Meta's template components (meta-cloud-api.md §1.2): validated loosely in shape (they are
 * Meta's objects, passed through), strictly against what could harm us (`$` keys, dotted keys),
 * merged recipient-over-campaign, and counted against the template's parameters.
 */
import { z } from 'zod';
import type { TemplateParameters } from '../templates/template-parameters.js';

/** Rejects keys that MongoDB would treat as operators or paths, at any depth. */
function safeKeys(value: unknown, depth = 0): boolean {
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.every((item) => safeKeys(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).every(([key, inner]) => /^[A-Za-z0-9_-]{1,64}$/.test(key) && safeKeys(inner, depth + 1));
  }
  return typeof value !== 'string' || value.length <= 4096;
}

const Parameter = z.object({ type: z.string().min(1).max(32) }).loose();

export const Component = z.object({
  type: z.enum(['header', 'body', 'button', 'carousel', 'limited_time_offer']),
  sub_type: z.string().max(32).optional(),
  index: z.union([z.string().regex(/^\d{1,2}$/), z.number().int().min(0).max(99)]).optional(),
  parameters: z.array(Parameter).max(100).optional(),
}).loose().refine((component) => safeKeys(component), {
  message: 'must contain only plain keys (letters, digits, _ and -), at most 8 levels deep, and strings up to 4096 characters',
}).refine((component) => component.type !== 'button' || (component.sub_type !== undefined && component.index !== undefined), {
  message: 'a button component needs sub_type and index',
});
export type Component = z.infer<typeof Component>;

export const Components = z.array(Component).max(20);

const keyOf = (component: Component) =>
  component.type === 'button' ? `button:${component.index}` : component.type;

/** Recipient components replace the campaign's component of the same type (and button index). */
export function mergeComponents(base: Component[] | undefined, override: Component[] | undefined): Component[] {
  if (!override?.length) return base ?? [];
  if (!base?.length) return override;
  const merged = new Map(base.map((component) => [keyOf(component), component]));
  for (const component of override) merged.set(keyOf(component), component);
  return [...merged.values()];
}

/** A sentence saying what does not fit the template's parameters, or null when it fits. */
export function parameterMismatch(components: Component[], expected: TemplateParameters): string | null {
  const count = (type: string) => components.find((component) => component.type === type)?.parameters?.length ?? 0;
  if (count('body') !== expected.body) {
    return `the template's body takes ${expected.body} parameter${expected.body === 1 ? '' : 's'}, but ${count('body')} ${count('body') === 1 ? 'is' : 'are'} given`;
  }
  if (count('header') !== expected.header) {
    return `the template's header takes ${expected.header} parameter${expected.header === 1 ? '' : 's'}${expected.headerFormat && expected.headerFormat !== 'TEXT' ? ` (${expected.headerFormat.toLowerCase()})` : ''}, but ${count('header')} ${count('header') === 1 ? 'is' : 'are'} given`;
  }
  for (const button of expected.buttons) {
    const given = components.find((component) => component.type === 'button' && Number(component.index) === button.index)?.parameters?.length ?? 0;
    if (given !== button.count) {
      return `button ${button.index} (${button.subType}) takes ${button.count} parameter${button.count === 1 ? '' : 's'}, but ${given} ${given === 1 ? 'is' : 'are'} given`;
    }
  }
  return null;
}
