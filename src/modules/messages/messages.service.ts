/** Single messages (e.g. utility or OTP templates, or replies inside the service window). */
import { Types } from 'mongoose';
import type { Deps } from '../../deps.js';
import { AppError, notFound } from '../../errors.js';
import { normalizePhone } from '../../lib/phone.js';
import { markSenderActive } from '../../sending/active-senders.js';
import { CUSTOMER_SERVICE_WINDOW_MS } from '../../db/models/contact.model.js';
import { loadSendableCredential } from '../campaigns/campaigns.service.js';
import { messageView } from '../campaigns/campaign-view.js';
import { assertParametersFit, checkTemplate } from '../templates/template-check.js';
import type { CreateMessageInput } from './messages.schemas.js';

export function createMessagesService(deps: Pick<Deps, 'models' | 'redis' | 'keyPrefix' | 'log'>) {
  const { Message, Contact } = deps.models;

  return {
    async create(clientId: string, input: CreateMessageInput) {
      const to = normalizePhone(input.to);
      if (!to) {
        throw new AppError('validation_error', `"${input.to}" is not a phone number in international form (country code first, e.g. +5511999990000).`, {
          details: [{ field: 'to', in: 'body', message: 'is not a valid international phone number' }],
        });
      }
      const credential = await loadSendableCredential(deps.models, clientId, input.credentialId);
      if ('template' in input) {
        const template = await checkTemplate(deps.models, input.credentialId, input.template);
        assertParametersFit(template.parameters, input.template.components, [{ index: -1 }]);
      } else {
        const contact = await Contact.findOne({ credentialId: credential._id, phone: to }, { lastInboundAt: 1 }).lean();
        if (!contact?.lastInboundAt || Date.now() - contact.lastInboundAt.getTime() > CUSTOMER_SERVICE_WINDOW_MS) {
          throw new AppError('unprocessable', `Free-form text can only be sent within 24 hours of the recipient's last message to this number, and +${to} has not written in that time; send an approved template instead.`, {
            details: [{ field: 'text', in: 'body', message: 'is outside the 24-hour customer-service window' }],
          });
        }
      }
      const now = new Date();
      const message = await Message.create({
        _id: new Types.ObjectId(),
        clientId: credential.clientId,
        credentialId: credential._id,
        to,
        kind: 'template' in input ? 'template' : 'text',
        template: 'template' in input ? input.template : undefined,
        text: 'text' in input ? input.text : undefined,
        status: 'queued',
        statusHistory: [{ status: 'queued', at: now }],
      });
      try {
        await markSenderActive(deps.redis, deps.keyPrefix, String(credential._id));
      } catch (error) {
        deps.log.warn({ err: error }, 'could not wake the dispatcher; the reconciler will');
      }
      return { statusCode: 202, body: { id: String(message._id), status: 'queued' as const } };
    },

    async get(clientId: string, id: string) {
      const message = await Message.findOne({ _id: id, clientId }).lean();
      if (!message) throw notFound(`Message ${id}`);
      return messageView(message);
    },
  };
}
