/**
 * Credentials (a client's Meta number). Health at a glance in the list: status, quality rating,
 * messaging tier, last check and last error. The access token and app secret are cut out of
 * every record (GuardedResource), shown as masked, and can only be replaced.
 */
import type { ActionRequest, ActionResponse, ResourceWithOptions } from 'adminjs';
import type { Deps } from '../../src/deps.js';
import type { AdminServices } from '../services.js';
import {
  createCredential, deleteCredential, maskSecrets, syncTemplates, updateCredential, verifyCredential,
} from './credentials.actions.js';
import { GuardedResource } from './guarded-resource.js';
import { NAV } from './navigation.js';

const SHOW_ONLY = { list: false, filter: false, show: true, edit: false };
const FORM_ONLY = { list: false, filter: false, show: false, edit: true };
const EDIT_FORM = ['name', 'newAccessToken', 'newAppSecret', 'messagesPerSecond'];
const CREATE_FORM = ['clientId', 'name', 'wabaId', 'phoneNumberId', 'appId', 'newAccessToken', 'newAppSecret', 'messagesPerSecond'];

export function credentialsResource(deps: Deps, services: AdminServices): ResourceWithOptions {
  const withMaskedSecrets = async (response: ActionResponse, _request: ActionRequest) => {
    if (response.record?.params) await maskSecrets(deps, response.record.params);
    return response;
  };

  return {
    resource: new GuardedResource(deps.models.Credential, ['accessToken', 'appSecret']),
    options: {
      navigation: NAV.clients,
      titleProperty: 'name',
      listProperties: ['name', 'clientId', 'phone.displayPhoneNumber', 'status', 'phone.qualityRating', 'phone.messagingLimitTier', 'lastCheckedAt', 'lastError'],
      showProperties: [
        'name', 'clientId', 'status', 'lastError', 'lastCheckedAt', 'phone', 'wabaId', 'phoneNumberId', 'appId',
        'accessTokenMasked', 'appSecretMasked', 'messagesPerSecond', 'verifyToken', 'wabaSubscribed', 'secretsVersion', 'createdAt', 'updatedAt',
      ],
      editProperties: CREATE_FORM,
      filterProperties: ['clientId', 'name', 'status', 'phoneNumberId', 'wabaId', 'lastCheckedAt'],
      sort: { sortBy: 'updatedAt', direction: 'desc' },
      properties: {
        accessTokenMasked: { type: 'string', isVisible: SHOW_ONLY },
        appSecretMasked: { type: 'string', isVisible: SHOW_ONLY },
        newAccessToken: { type: 'password', isVisible: FORM_ONLY, description: 'Encrypted at rest and verified with Meta; never shown again. Editing: leave empty to keep the stored token.' },
        newAppSecret: { type: 'password', isVisible: FORM_ONLY, description: 'Optional. Encrypted at rest; never shown again. Editing: leave empty to keep the stored one.' },
        messagesPerSecond: { description: 'Optional cap below what Meta allows for this number.' },
        verifyToken: { description: 'For Meta\'s webhook verification handshake (not a secret of Meta\'s).' },
        lastError: { type: 'textarea' },
      },
      translations: {
        en: {
          properties: {
            accessTokenMasked: 'Access token', appSecretMasked: 'App secret',
            newAccessToken: 'Access token (write-only)', newAppSecret: 'App secret (write-only)',
            'phone.displayPhoneNumber': 'Number', 'phone.qualityRating': 'Quality', 'phone.messagingLimitTier': 'Tier',
          },
          actions: { verifyNow: 'Verify now', syncTemplates: 'Sync templates' },
        },
      },
      actions: {
        show: { after: withMaskedSecrets },
        new: { handler: createCredential(deps, services), layout: CREATE_FORM },
        // The ids are set once at creation: a different number is a different credential.
        edit: { handler: updateCredential(services), layout: EDIT_FORM },
        delete: {
          handler: deleteCredential(services),
          guard: 'Delete this credential? Its running and scheduled campaigns are cancelled first.',
        },
        bulkDelete: { isAccessible: false },
        verifyNow: {
          actionType: 'record', icon: 'CheckCircle', component: false, handler: verifyCredential(services),
        },
        syncTemplates: {
          actionType: 'record', icon: 'RefreshCw', component: false, handler: syncTemplates(deps, services),
        },
      },
    },
  };
}
