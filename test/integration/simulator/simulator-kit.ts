/**
 * Shared pieces for the simulator's own tests: a standard account, a real HTTP webhook receiver
 * that keeps the raw bytes, and a small Graph client over undici. Nothing here intercepts HTTP.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { createSimulator, type Simulator, type SimulatorOptions, type WebhookSettingsPatch } from '../../../src/simulator/index.js';

export const ACCOUNT = {
  appSecret: 'test-app-secret-0123456789abcdef',
  wabaId: '110000000000001',
  phoneNumberId: '210000000000001',
  displayPhoneNumber: '+1 555-020-0001',
  token: 'EAATestTokenForSimulatorSuite000000000001',
  otherWabaId: '110000000000002',
  otherPhoneNumberId: '210000000000002',
  otherToken: 'EAATestTokenForOtherWaba0000000000000002',
} as const;

export const RECIPIENT = '+5511999990001';

/** Positional marketing template with 2 body params and a quick reply; named utility template; media header. */
export function standardSetup(): NonNullable<SimulatorOptions['setup']> {
  return {
    wabas: [
      {
        id: ACCOUNT.wabaId,
        templates: [
          {
            name: 'promo',
            language: 'en_US',
            category: 'MARKETING',
            components: [
              { type: 'BODY', text: 'Hi {{1}}, {{2}} off today' },
              { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Stop' }] },
            ],
          },
          {
            name: 'order_update',
            language: 'pt_BR',
            category: 'UTILITY',
            parameterFormat: 'named',
            components: [
              { type: 'BODY', text: 'Olá {{name}}, pedido {{order}}' },
              { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track', url: 'https://x.test/t/{{1}}' }] },
            ],
          },
          {
            name: 'launch',
            language: 'en_US',
            category: 'MARKETING',
            components: [{ type: 'HEADER', format: 'IMAGE' }, { type: 'BODY', text: 'New!' }],
          },
          { name: 'paused_one', language: 'en_US', category: 'MARKETING', status: 'PAUSED', components: [{ type: 'BODY', text: 'x' }] },
          { name: 'disabled_one', language: 'en_US', category: 'MARKETING', status: 'DISABLED', components: [{ type: 'BODY', text: 'x' }] },
          { name: 'pending_one', language: 'en_US', category: 'MARKETING', status: 'PENDING', components: [{ type: 'BODY', text: 'x' }] },
        ],
      },
      { id: ACCOUNT.otherWabaId },
    ],
    phoneNumbers: [
      { id: ACCOUNT.phoneNumberId, wabaId: ACCOUNT.wabaId, displayPhoneNumber: ACCOUNT.displayPhoneNumber, verifiedName: 'Test Store' },
      { id: ACCOUNT.otherPhoneNumberId, wabaId: ACCOUNT.otherWabaId, displayPhoneNumber: '+1 555-020-0002' },
    ],
    tokens: [
      { token: ACCOUNT.token, wabaIds: [ACCOUNT.wabaId] },
      { token: ACCOUNT.otherToken, wabaIds: [ACCOUNT.otherWabaId] },
    ],
  };
}

/** Webhook settings that keep a test suite fast. */
export const FAST_WEBHOOKS: WebhookSettingsPatch = {
  statusIntervalMs: 5,
  flushIntervalMs: 5,
  retryDelaysMs: [10, 20, 40],
  timeoutMs: 2000,
};

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  return createSimulator({
    appSecret: ACCOUNT.appSecret,
    setup: standardSetup(),
    seed: 42,
    ...options,
    webhooks: { ...FAST_WEBHOOKS, ...options.webhooks },
  });
}

export function promoBody(to = RECIPIENT, extra: Record<string, unknown> = {}) {
  return {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'template',
    template: {
      name: 'promo',
      language: { code: 'en_US' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: '20%' }] }],
    },
    ...extra,
  };
}

export interface GraphAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

export async function graph(
  sim: Simulator,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  path: string,
  options: { token?: string | null; body?: unknown } = {},
): Promise<GraphAnswer> {
  const token = options.token === undefined ? ACCOUNT.token : options.token;
  const response = await request(`${sim.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.body.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.statusCode, headers: response.headers, text, json };
}

export const sendMessage = (sim: Simulator, body: unknown, options: { token?: string | null; phoneNumberId?: string; version?: string } = {}) =>
  graph(sim, 'POST', `/${options.version ?? 'v23.0'}/${options.phoneNumberId ?? ACCOUNT.phoneNumberId}/messages`, {
    token: options.token,
    body,
  });

export interface ReceivedWebhook {
  raw: Buffer;
  headers: IncomingHttpHeaders;
  json: any;
  answered: number;
}

/**
 * A callback endpoint on node:http that keeps the exact bytes. `answers` lists the status codes to
 * answer in order; after it runs out, every POST gets 200.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  answers: number[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const answered = this.answers.shift() ?? 200;
        this.received.push({ raw, headers: req.headers, json: raw.length ? JSON.parse(raw.toString('utf8')) : null, answered });
        res.writeHead(answered).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/whatsapp`;
    return this;
  }

  /** Successful POSTs only (answered 200). */
  get delivered(): ReceivedWebhook[] {
    return this.received.filter((webhook) => webhook.answered === 200);
  }

  statuses(): any[] {
    return this.delivered.flatMap((w) => w.json.entry.flatMap((e: any) => e.changes.flatMap((c: any) => c.value.statuses ?? [])));
  }

  changes(field?: string): any[] {
    return this.delivered.flatMap((w) =>
      w.json.entry.flatMap((e: any) => e.changes.filter((c: any) => field === undefined || c.field === field)),
    );
  }

  async waitFor<T>(find: () => T | undefined | false, timeoutMs = 5000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found) return found;
      if (Date.now() > deadline) throw new Error('timed out waiting for webhooks');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  clear(): void {
    this.received.length = 0;
    this.answers = [];
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
