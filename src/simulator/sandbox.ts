/**
 * The demo account `SANDBOX=1 npm run dev` and the compose `sandbox` profile run against: one app,
 * WABA, phone number and token, and a handful of templates (approved, named, with media, paused).
 *
 * Every id and secret is a fixed value, so a simulator restarted in another process matches
 * credentials already stored by the engine. They are demo values of a local fake, not secrets.
 */
import { z } from 'zod';
import type { Simulator } from './simulator.js';
import type { TemplateInput } from './state-schemas.js';

export const SANDBOX_IDS = Object.freeze({
  appId: '900000000000001',
  appSecret: '5a4d8b0c1e2f3a4b5c6d7e8f9a0b1c2d',
  businessId: '300000000000001',
  wabaId: '100000000000001',
  phoneNumberId: '200000000000001',
  displayPhoneNumber: '+1 555-010-0001',
  verifiedName: 'ONE CLICK Demo Store',
  accessToken: 'EAAOCMSandboxAccessToken0000000000000000000000000000000000000001',
});

export const SandboxSeedOptionsSchema = z.strictObject({
  /** Where the engine receives Meta webhooks, e.g. http://127.0.0.1:3000/webhooks/whatsapp. */
  webhookUrl: z.url().nullable().optional(),
  /** Overrides the fixed sandbox app secret. */
  appSecret: z.string().min(1).optional(),
});
export type SandboxSeedOptions = z.input<typeof SandboxSeedOptionsSchema>;

export interface SandboxTemplate {
  name: string;
  language: string;
  category: string;
  status: string;
  parameterFormat: string;
  /** Components a send can use as they are (example values). */
  exampleComponents: unknown[];
}

export interface SandboxSeed {
  graphApiBaseUrl: string;
  /** Any vNN.N works; this is what the sandbox suggests. */
  graphApiVersion: string;
  appId: string;
  appSecret: string;
  accessToken: string;
  businessId: string;
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  verifiedName: string;
  webhookUrl: string | null;
  templates: SandboxTemplate[];
}

const TEMPLATES: ReadonlyArray<TemplateInput & { exampleComponents: unknown[] }> = [
  {
    name: 'welcome_offer',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, enjoy {{2}} off your next order!', example: { body_text: [['Ana', '20%']] } },
      { type: 'FOOTER', text: 'Tap Stop promotions to opt out' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Shop now' }, { type: 'QUICK_REPLY', text: 'Stop promotions' }] },
    ],
    exampleComponents: [
      { type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] },
      { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'STOP_PROMO' }] },
    ],
  },
  {
    name: 'welcome_offer',
    language: 'pt_BR',
    category: 'MARKETING',
    components: [
      { type: 'BODY', text: 'Olá {{1}}, aproveite {{2}} de desconto no seu próximo pedido!', example: { body_text: [['Ana', '20%']] } },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Comprar' }, { type: 'QUICK_REPLY', text: 'Parar promoções' }] },
    ],
    exampleComponents: [{ type: 'body', parameters: [{ type: 'text', text: 'José' }, { type: 'text', text: '20%' }] }],
  },
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'NAMED',
    components: [
      {
        type: 'BODY',
        text: 'Hello {{customer_name}}, your order {{order_id}} has shipped.',
        example: { body_text_named_params: [{ param_name: 'customer_name', example: 'Ana' }, { param_name: 'order_id', example: 'A-1001' }] },
      },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/A-1001'] }] },
    ],
    exampleComponents: [
      {
        type: 'body',
        parameters: [
          { type: 'text', parameter_name: 'customer_name', text: 'Ana' },
          { type: 'text', parameter_name: 'order_id', text: 'A-1001' },
        ],
      },
      { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'A-1001' }] },
    ],
  },
  {
    name: 'product_launch',
    language: 'en_US',
    category: 'MARKETING',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://example.com/launch.png'] } },
      { type: 'BODY', text: 'Meet {{1}}: available today.', example: { body_text: [['the new ONE CLICK bag']] } },
    ],
    exampleComponents: [
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://example.com/launch.png' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'the new ONE CLICK bag' }] },
    ],
  },
  {
    name: 'spring_sale',
    language: 'en_US',
    category: 'MARKETING',
    status: 'PAUSED',
    components: [{ type: 'BODY', text: 'Spring sale: everything {{1}} off.', example: { body_text: [['30%']] } }],
    exampleComponents: [{ type: 'body', parameters: [{ type: 'text', text: '30%' }] }],
  },
];

/**
 * Creates (or refreshes — it is idempotent) the sandbox account in `sim` and returns what the engine
 * needs to register it as a credential. Webhooks go to `webhookUrl`, else to the default app's
 * callback URL, signed with the sandbox app secret.
 */
export function seedSandbox(sim: Simulator, options: SandboxSeedOptions = {}): SandboxSeed {
  const parsed = SandboxSeedOptionsSchema.parse(options);
  const defaultApp = sim.snapshot().apps.find((app) => app.id === sim.defaultAppId);
  const app = sim.upsertApp({
    id: SANDBOX_IDS.appId,
    name: 'ONE CLICK MARKETING sandbox',
    secret: parsed.appSecret ?? SANDBOX_IDS.appSecret,
    callbackUrl: parsed.webhookUrl === undefined ? (defaultApp?.callbackUrl ?? null) : parsed.webhookUrl,
  });
  sim.upsertWaba({
    id: SANDBOX_IDS.wabaId,
    name: 'ONE CLICK Demo Store',
    businessId: SANDBOX_IDS.businessId,
    subscribedAppIds: [app.id],
    templates: TEMPLATES.map(({ exampleComponents: _example, ...template }) => template),
  });
  sim.upsertPhoneNumber({
    id: SANDBOX_IDS.phoneNumberId,
    wabaId: SANDBOX_IDS.wabaId,
    displayPhoneNumber: SANDBOX_IDS.displayPhoneNumber,
    verifiedName: SANDBOX_IDS.verifiedName,
    qualityRating: 'GREEN',
    throughput: { level: 'STANDARD' },
    messagingLimitTier: 'TIER_10K',
  });
  sim.upsertToken({ token: SANDBOX_IDS.accessToken, appId: app.id, type: 'SYSTEM_USER', wabaIds: [SANDBOX_IDS.wabaId], expiresAt: 0 });

  return {
    graphApiBaseUrl: sim.url,
    graphApiVersion: 'v23.0',
    appId: app.id,
    appSecret: app.secret,
    accessToken: SANDBOX_IDS.accessToken,
    businessId: SANDBOX_IDS.businessId,
    wabaId: SANDBOX_IDS.wabaId,
    phoneNumberId: SANDBOX_IDS.phoneNumberId,
    displayPhoneNumber: SANDBOX_IDS.displayPhoneNumber,
    verifiedName: SANDBOX_IDS.verifiedName,
    webhookUrl: app.callbackUrl,
    templates: TEMPLATES.map((template) => ({
      name: template.name,
      language: template.language,
      category: template.category,
      status: template.status ?? 'APPROVED',
      parameterFormat: template.parameterFormat ?? 'POSITIONAL',
      exampleComponents: template.exampleComponents,
    })),
  };
}
