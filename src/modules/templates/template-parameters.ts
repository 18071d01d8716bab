/**
 * How many parameters a template's components take, read from Meta's template definition, so a
 * campaign can be checked before it is sent (design: "a 100,000-recipient mistake is a 422").
 */

interface MetaComponent {
  type?: unknown;
  format?: unknown;
  text?: unknown;
  buttons?: unknown;
}

export interface TemplateParameters {
  header: number;
  headerFormat?: string;
  body: number;
  bodyNames?: string[];
  buttons: Array<{ index: number; subType: string; count: number }>;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

function placeholders(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((match) => match[1]))];
}

export function templateParameters(components: unknown): TemplateParameters {
  const result: TemplateParameters = { header: 0, body: 0, buttons: [] };
  if (!Array.isArray(components)) return result;
  for (const component of components as MetaComponent[]) {
    const type = String(component.type ?? '').toUpperCase();
    if (type === 'HEADER') {
      const format = String(component.format ?? 'TEXT').toUpperCase();
      result.headerFormat = format;
      result.header = format === 'TEXT' ? placeholders(component.text).length : 1;
    } else if (type === 'BODY') {
      const names = placeholders(component.text);
      result.body = names.length;
      if (names.some((name) => !/^\d+$/.test(name))) result.bodyNames = names;
    } else if (type === 'BUTTONS' && Array.isArray(component.buttons)) {
      component.buttons.forEach((button: { type?: unknown; url?: unknown }, index: number) => {
        const subType = String(button.type ?? '').toLowerCase();
        const count = subType === 'url' ? placeholders(button.url).length : subType === 'copy_code' ? 1 : 0;
        if (count > 0) result.buttons.push({ index, subType, count });
      });
    }
  }
  return result;
}
