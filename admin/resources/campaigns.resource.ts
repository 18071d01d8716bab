/**
 * Campaigns: progress and counts at a glance; pause, resume, cancel and retry failed, each one
 * click away and each through the campaigns service, the same calls the REST API makes, so the
 * panel cannot make a transition the API would refuse. Campaigns are created through the API.
 */
import type { ActionContext, ActionHandler, RecordActionResponse, ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import { Components } from '../component-loader.js';
import type { AdminServices } from '../services.js';
import { errorNotice, isOperatorFacing, serviceRecordAction, successNotice, textField } from './action-kit.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const statusIn = (...statuses: string[]) => ({ record }: ActionContext) => statuses.includes(String(record?.params.status));
const clientOf = (context: ActionContext) => String(context.record!.params.clientId);

function retryAction(services: AdminServices, all: boolean) {
  return serviceRecordAction(async (id, context) => {
    const { requeued } = await services.campaigns.retryFailed(clientOf(context), id, { all });
    if (requeued === 0) {
      return all ? 'No failed messages to retry.' : 'Nothing retried: Meta\'s errors on the failed messages say a retry would fail again (use "Retry all failed" to force it).';
    }
    return `${requeued} failed message${requeued === 1 ? '' : 's'} queued again.`;
  });
}

function testSendAction(services: AdminServices): ActionHandler<RecordActionResponse> {
  return async (request, _response, context) => {
    const record = context.record!;
    if (request.method !== 'post') return { record: record.toJSON(context.currentAdmin) };
    const numbers = (textField(request.payload, 'to') ?? '').split(',').map((number) => number.trim()).filter(Boolean);
    if (numbers.length === 0 || numbers.length > 5) return { record: record.toJSON(context.currentAdmin), notice: errorNotice('Give one to five numbers, separated by commas.') };
    try {
      const { messages, rejected } = await services.testSends.send(clientOf(context), String(record.id()), numbers);
      const refused = rejected.map((entry) => `${entry.to} (${entry.reason})`).join(', ');
      return { record: record.toJSON(context.currentAdmin), notice: successNotice(`${messages.length} test message${messages.length === 1 ? '' : 's'} queued.${refused ? ` Not sent: ${refused}.` : ''}`) };
    } catch (error) {
      if (!isOperatorFacing(error)) throw error;
      return { record: record.toJSON(context.currentAdmin), notice: errorNotice(error.message) };
    }
  };
}

export function campaignsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  const canRetry = ({ record }: ActionContext) => record?.params.status !== 'cancelled' && Number(record?.params['counts.failed'] ?? 0) > 0;

  return {
    resource: new GuardedResource(deps.models.Campaign),
    options: {
      navigation: NAV.sending,
      listProperties: ['name', 'status', 'progress', 'counts.total', 'counts.delivered', 'counts.failed', 'pausedReason', 'credentialId', 'createdAt'],
      showProperties: [
        'name', 'status', 'pausedReason', 'pausedBy', 'progress', 'rejectedCount',
        'template.name', 'template.language', 'template.category', 'template.components', 'credentialId', 'clientId',
        'scheduledAt', 'startedAt', 'completedAt', 'cancelledAt', 'lastActivityAt', 'cost.billable', 'cost.marketing', 'cost.utility',
        'cost.authentication', 'cost.service', 'sendWindow', 'createdAt',
      ],
      filterProperties: ['name', 'status', 'clientId', 'credentialId', 'createdAt'],
      sort: { sortBy: 'createdAt', direction: 'desc' },
      properties: {
        progress: {
          type: 'string',
          components: { list: Components.CampaignProgress, show: Components.CampaignProgress },
          isVisible: { list: true, show: true, edit: false, filter: false },
        },
        'template.components': { type: 'mixed', components: { show: Components.JsonView } },
        sendWindow: { type: 'mixed', components: { show: Components.JsonView } },
        pausedReason: { type: 'textarea' },
      },
      translations: {
        en: {
          properties: {
            'counts.total': 'Messages', 'counts.delivered': 'Delivered', 'counts.failed': 'Failed', rejectedCount: 'Rejected at acceptance',
            'template.name': 'Template', 'template.language': 'Language', 'template.category': 'Category', 'template.components': 'Template components',
            'cost.billable': 'Billable messages', 'cost.marketing': 'Billed as marketing', 'cost.utility': 'Billed as utility',
            'cost.authentication': 'Billed as authentication', 'cost.service': 'Billed as service',
          },
          actions: {
            pause: 'Pause', resume: 'Resume', cancel: 'Cancel', retryFailed: 'Retry failed', retryAllFailed: 'Retry all failed', messages: 'Messages',
            testSend: 'Test send', downloadReport: 'Download report', uploadCsv: 'New from CSV',
          },
        },
      },
      actions: {
        new: { isAccessible: false },
        edit: { isAccessible: false },
        delete: { isAccessible: false },
        bulkDelete: { isAccessible: false },
        pause: {
          actionType: 'record', icon: 'Pause', component: false,
          isAccessible: statusIn('scheduled', 'running'),
          handler: serviceRecordAction(async (id, context) => {
            const operator = context.currentAdmin?.email ?? 'an operator';
            await services.campaigns.pause(clientOf(context), id, `Paused by operator ${operator}.`, 'operator');
            return 'Campaign paused.';
          }),
        },
        resume: {
          actionType: 'record', icon: 'Play', component: false,
          isAccessible: statusIn('paused'),
          handler: serviceRecordAction(async (id, context) => {
            const { status } = await services.campaigns.resume(clientOf(context), id);
            return `Campaign resumed (${status}).`;
          }),
        },
        cancel: {
          actionType: 'record', icon: 'XCircle', variant: 'danger', component: false,
          guard: 'Cancel this campaign? Its queued messages are cancelled and it cannot be resumed.',
          isAccessible: statusIn('scheduled', 'running', 'paused'),
          handler: serviceRecordAction(async (id, context) => {
            await services.campaigns.cancel(clientOf(context), id);
            return 'Campaign cancelled.';
          }),
        },
        retryFailed: {
          actionType: 'record', icon: 'RotateCcw', component: false, isAccessible: canRetry, handler: retryAction(services, false),
        },
        retryAllFailed: {
          actionType: 'record', icon: 'RotateCw', component: false, isAccessible: canRetry,
          guard: 'Retry every failed message, including those Meta says will fail again?',
          handler: retryAction(services, true),
        },
        testSend: {
          actionType: 'record', icon: 'Send', component: Components.ActionForm,
          handler: testSendAction(services),
          custom: {
            fields: [{ name: 'to', label: 'Numbers (up to 5, separated by commas)', placeholder: '+49 151 1234567, +55 11 98765-4321' }],
            submitLabel: 'Send test', help: "The campaign's template with its first recipient's parameters, now, whatever the campaign's status; not counted in the campaign.",
          },
        },
        downloadReport: {
          actionType: 'record', icon: 'Download', component: Components.ReportDownload, custom: { readOnly: true },
          handler: async (_request, _response, context) => ({ record: context.record!.toJSON(context.currentAdmin) }),
        },
        uploadCsv: {
          actionType: 'resource', icon: 'Upload', component: Components.CsvUpload,
          // The form posts to /admin/campaign-files/upload (admin/campaign-files.ts), which checks the role and audits.
          handler: async () => ({}),
        },
        messages: {
          actionType: 'record', icon: 'List', component: false, custom: { readOnly: true },
          handler: async (_request, _response, context) => ({
            record: context.record!.toJSON(context.currentAdmin),
            redirectUrl: `${context.h.resourceUrl({ resourceId: 'Message' })}?filters.campaignId=${context.record!.id()}`,
          }),
        },
      },
    },
  };
}
