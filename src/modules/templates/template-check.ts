/**
 * Checks a template against the credential's synced catalogue before anything is queued, so a
 * wrong name, language, status or parameter count is a 422 rather than 100,000 failures.
 */
import type { Models } from '../../db/models.js';
import { AppError } from '../../errors.js';
import { mergeComponents, parameterMismatch, type Component } from '../campaigns/components.js';
import type { TemplateParameters } from './template-parameters.js';

export interface TemplateCheck {
  /** Null when the catalogue has never been synced: Meta will be the judge. */
  parameters: TemplateParameters | null;
  category?: string;
}

export async function checkTemplate(
  models: Pick<Models, 'Template'>,
  credentialId: string,
  template: { name: string; language: string },
): Promise<TemplateCheck> {
  const { Template } = models;
  if (!(await Template.exists({ credentialId }))) return { parameters: null };
  const found = await Template.findOne({ credentialId, name: template.name, language: template.language }).lean();
  if (!found) {
    const languages = (await Template.find({ credentialId, name: template.name }, { language: 1 }).lean()).map((entry) => entry.language);
    const hint = languages.length ? ` It exists in ${languages.join(', ')}.` : ' Check the name, or sync the catalogue with POST /v1/credentials/:id/verify.';
    throw new AppError('unprocessable', `Template "${template.name}" in language ${template.language} is not in this credential's catalogue.${hint}`, {
      details: [{ field: 'template', in: 'body', message: 'is not in the catalogue' }],
    });
  }
  if (found.status !== 'APPROVED') {
    throw new AppError('unprocessable', `Template "${template.name}" (${template.language}) is ${found.status}; only APPROVED templates can be sent.`, {
      details: [{ field: 'template', in: 'body', message: `is ${found.status}` }],
    });
  }
  return { parameters: found.parameters as TemplateParameters, category: found.category ?? undefined };
}

/** 422 naming the first recipients whose merged components do not fit the template. */
export function assertParametersFit(
  parameters: TemplateParameters | null,
  base: Component[] | undefined,
  recipients: Array<{ index: number; components?: Component[] }>,
): void {
  if (!parameters) return;
  const details = [];
  for (const recipient of recipients) {
    const problem = parameterMismatch(mergeComponents(base, recipient.components), parameters);
    if (problem) details.push({ field: recipients.length === 1 && recipient.index < 0 ? 'template.components' : `recipients.${recipient.index}.components`, in: 'body' as const, message: problem });
    if (details.length >= 20) break;
  }
  if (details.length > 0) {
    throw new AppError('unprocessable', `The template parameters do not fit: ${details[0].message}${details.length > 1 ? ` (and ${details.length - 1} more recipients)` : ''}.`, { details });
  }
}
