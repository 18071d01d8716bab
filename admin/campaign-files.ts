/**
 * The campaign files of the panel, beside AdminJS in the admin scope (so the operator session is
 * there): a campaign's report as CSV (any operator), and a campaign created from an uploaded CSV
 * (admins, audited). The upload arrives as JSON — the browser reads the file — because AdminJS's
 * own multipart handling in this scope would buffer files under its 1 MiB default; both go
 * through the same code as the API (csv-upload.ts, report.ts, the campaigns service).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../src/deps.js';
import { AppError } from '../src/errors.js';
import { validationDetails } from '../src/plugins/error-handler.js';
import { CreateCampaignBody } from '../src/modules/campaigns/campaigns.schemas.js';
import { CSV_FILE_LIMIT } from '../src/modules/campaigns/csv-reader.js';
import { csvCampaignFromText } from '../src/modules/campaigns/csv-upload.js';
import { campaignReport } from '../src/modules/campaigns/report.js';
import type { AuditTrail } from './audit/audit-trail.js';
import { canChange } from './policy/roles.js';
import type { AdminServices } from './services.js';

export const CAMPAIGN_FILES_PATH = '/admin/campaign-files';

const UploadBody = z.strictObject({
  clientId: z.string().regex(/^[a-f0-9]{24}$/, 'choose the client the campaign is for'),
  campaign: z.union([z.string(), z.record(z.string(), z.unknown())]),
  csv: z.string().max(CSV_FILE_LIMIT, 'the file is larger than 32 MiB'),
});

function answerError(reply: FastifyReply, error: unknown) {
  if (error instanceof AppError && error.statusCode < 500) return reply.code(error.statusCode).send(error.toBody());
  throw error;
}

export async function registerCampaignFiles(scope: FastifyInstance, deps: Deps, services: AdminServices, audit: AuditTrail): Promise<void> {
  await scope.register(async (files) => {
    files.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const operator = request.session?.get('adminUser');
      if (!operator) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Log in to the panel first.', details: [] } });
      if (request.method !== 'GET' && !canChange(operator)) {
        return reply.code(403).send({ error: { code: 'forbidden', message: 'Viewer operators cannot create campaigns.', details: [] } });
      }
      return undefined;
    });

    files.get<{ Params: { id: string } }>('/:id/report.csv', async (request, reply) => {
      const campaign = /^[a-f0-9]{24}$/.test(request.params.id) ? await deps.models.Campaign.findById(request.params.id, { _id: 1 }).lean() : null;
      if (!campaign) return reply.code(404).send({ error: { code: 'not_found', message: 'No such campaign.', details: [] } });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="campaign-${request.params.id}-report.csv"`)
        .send(campaignReport(deps.models, request.params.id));
    });

    files.post('/upload', { bodyLimit: CSV_FILE_LIMIT + 1024 * 1024 }, async (request, reply) => {
      const operator = request.session?.get('adminUser');
      const parsed = UploadBody.safeParse(request.body);
      if (!parsed.success) {
        return reply.code(400).send({ error: { code: 'validation_error', message: parsed.error.issues[0].message, details: parsed.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message })) } });
      }
      const { clientId, campaign, csv } = parsed.data;
      try {
        if (!(await deps.models.Client.exists({ _id: clientId }))) throw new AppError('not_found', `Client ${clientId} was not found.`);
        const body = CreateCampaignBody.safeParse(await csvCampaignFromText(deps.models, clientId, campaign, csv));
        if (!body.success) {
          const details = validationDetails(body.error.issues.map((issue) => ({ instancePath: `/${issue.path.join('/')}`, keyword: issue.code, message: issue.message, params: issue as never })), 'body');
          throw new AppError('validation_error', `The campaign is invalid: ${details[0].field} ${details[0].message}.`, { details });
        }
        const answer = await services.campaigns.create(clientId, body.data);
        const id = (answer.body as { id?: string }).id;
        await audit.record({ operator, resource: 'Campaign', action: 'uploadCsv', recordIds: id ? [id] : [], outcome: 'succeeded', ip: request.ip });
        return reply.code(answer.statusCode).send(answer.body);
      } catch (error) {
        await audit.record({ operator, resource: 'Campaign', action: 'uploadCsv', outcome: 'failed', message: (error as Error).message, ip: request.ip });
        return answerError(reply, error);
      }
    });
  }, { prefix: CAMPAIGN_FILES_PATH });
}
