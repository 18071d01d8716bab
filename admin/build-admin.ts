/**
 * The AdminJS instance: resources, dashboard, branding and wording. Mounting it on Fastify is
 * admin/index.ts's job.
 */
import AdminJS from 'adminjs';
import type { Deps } from '../src/deps.js';
import { Components, componentLoader } from './component-loader.js';
import { loadDashboardData } from './dashboard/dashboard-data.js';
import { adminResources } from './resources/index.js';
import type { AdminServices } from './services.js';

export const ROOT_PATH = '/admin';

export function buildAdmin(deps: Deps, services: AdminServices): AdminJS {
  return new AdminJS({
    rootPath: ROOT_PATH,
    loginPath: `${ROOT_PATH}/login`,
    logoutPath: `${ROOT_PATH}/logout`,
    componentLoader,
    resources: adminResources(deps, services),
    dashboard: {
      component: Components.Dashboard,
      handler: async () => loadDashboardData(deps),
    },
    branding: {
      companyName: 'ONE CLICK MARKETING',
      logo: false,
      withMadeWithLove: false,
    },
    settings: { defaultPerPage: 20 },
    locale: {
      language: 'en',
      availableLanguages: ['en'],
      localeDetection: false,
      translations: {
        en: {
          labels: {
            Campaign: 'Campaigns', Message: 'Messages', OptOut: 'Opt-outs', Client: 'Clients', ApiKey: 'API keys',
            Credential: 'Credentials', Template: 'Templates', WebhookEvent: 'Webhook events', Operator: 'Operators', AuditLog: 'Audit log', WebhookEndpoint: 'Webhook endpoints', EventDelivery: 'Event deliveries',
            navigation: 'Navigation',
          },
          properties: {
            clientId: 'Client', credentialId: 'Credential', campaignId: 'Campaign', operatorId: 'Operator', _id: 'Id',
          },
          components: {
            Login: { welcomeHeader: 'ONE CLICK MARKETING', welcomeMessage: 'Operator panel. Sign in with your operator account.' },
          },
        },
      },
    },
  });
}
