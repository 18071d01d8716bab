/**
 * The operator panel in a real browser (Debian's chromium through playwright-core) against the
 * real engine listening on a port: login, dashboard, a campaign paused and resumed (checked
 * through the REST API), a credential's masked secret, a viewer refused, a failed login, and
 * the queue board closed to visitors. Every response the browser receives is scanned for
 * secrets. Screenshots of the dashboard and a campaign are taken on every run; they replace the
 * README's (docs/screenshots/) only with UPDATE_SCREENSHOTS=1, so a test run leaves the tree clean.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../helpers/processes.js';
import { createWorld, type World } from '../helpers/world.js';
import { createOperator } from '../integration/admin/admin-client.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1' ? join(PROJECT_ROOT, 'docs', 'screenshots') : mkdtempSync(join(tmpdir(), 'ocm-screenshots-'));
const ADMIN = { email: 'ops@example.com', password: 'ops-password-1' };
const VIEWER = { email: 'viewer@example.com', password: 'viewer-password-1' };

let world: World;
let browser: Browser;
let credentialId: string;
let sentCampaignId: string;
let scheduledCampaignId: string;
/** Text of every response the panel sent to a browser in this file. */
const responses: Array<{ url: string; body: string }> = [];

const phone = (n: number) => `+55119${String(80000000 + n)}`;
const campaign = (name: string, size: number, extra: Record<string, unknown> = {}) => ({
  name,
  credentialId,
  template: { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'friend' }, { type: 'text', text: '15%' }] }] },
  recipients: Array.from({ length: size }, (_, n) => ({ to: phone(n) })),
  ...extra,
});

async function campaignStatus(id: string): Promise<string> {
  return (await world.api('GET', `/v1/campaigns/${id}`)).json().status;
}

async function newSession(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  context.setDefaultTimeout(8_000);
  const page = await context.newPage();
  // A script error in the panel would otherwise only show as a timeout.
  page.on('pageerror', (error) => process.stderr.write(`admin page error: ${error.message}\n`));
  page.on('response', async (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (!response.url().startsWith(world.baseUrl) || !/json|html|javascript|text/.test(type)) return;
    responses.push({ url: response.url(), body: await response.text().catch(() => '') });
  });
  return { context, page };
}

async function logIn(page: Page, who: { email: string; password: string }) {
  await page.goto(`${world.baseUrl}/admin/login`);
  await page.fill('input[name=email]', who.email);
  await page.fill('input[name=password]', who.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login')), page.locator('form button').click()]);
}

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  [world, browser] = await Promise.all([
    createWorld({ admin: true }),
    chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }),
  ]);
  await createOperator(world.deps, ADMIN.email, ADMIN.password, 'admin');
  await createOperator(world.deps, VIEWER.email, VIEWER.password, 'viewer');
  credentialId = await world.connectCredential();
  // One campaign really sent through the simulator (the dashboard's figures), one scheduled for later (to pause and resume).
  sentCampaignId = (await world.api('POST', '/v1/campaigns', campaign('Spring sale', 60))).json().id;
  scheduledCampaignId = (await world.api('POST', '/v1/campaigns', campaign('Summer launch', 25, {
    scheduledAt: new Date(Date.now() + 2 * 60 * 60 * 1000).toISOString(),
  }))).json().id;
  await world.waitFor(async () => (await campaignStatus(sentCampaignId)) === 'completed', 'the sent campaign to complete');
});

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('the operator panel in a browser', () => {
  it('logs an operator in, shows the dashboard, and pauses and resumes a campaign', async () => {
    const { context, page } = await newSession();
    await page.goto(`${world.baseUrl}/admin`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await logIn(page, ADMIN);

    const dashboard = page.getByTestId('dashboard');
    await dashboard.waitFor();
    await expect(page.getByTestId('sends-chart').locator('rect').count()).resolves.toBe(60);
    await page.getByTestId('sends').getByText('60 sends in the last hour').waitFor();
    await expect(page.getByTestId('queues').textContent()).resolves.toContain('send');

    await page.goto(`${world.baseUrl}/admin/resources/Campaign/records/${scheduledCampaignId}/show`);
    await page.getByTestId('campaign-progress').first().waitFor();
    await page.getByTestId('action-pause').click();
    await page.getByText('Campaign paused.').waitFor();
    await world.waitFor(async () => (await campaignStatus(scheduledCampaignId)) === 'paused', 'the campaign to be paused');
    await page.getByText(`Paused by operator ${ADMIN.email}.`).first().waitFor();
    await page.setViewportSize({ width: 1440, height: 1500 });
    await page.screenshot({ path: join(SCREENSHOTS, 'campaign.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`${world.baseUrl}/admin`);
    await page.getByTestId('campaigns').getByText('Summer launch').waitFor();
    // AdminJS scrolls inside its own layout, so a full-page shot needs a tall window.
    await page.setViewportSize({ width: 1440, height: 1600 });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard.png') });
    await page.setViewportSize({ width: 1440, height: 900 });

    await page.goto(`${world.baseUrl}/admin/resources/Campaign/records/${scheduledCampaignId}/show`);
    await page.getByTestId('action-resume').click();
    await page.getByText(/Campaign resumed/).waitFor();
    expect(await campaignStatus(scheduledCampaignId)).toBe('scheduled');
    await context.close();
  });

  it('shows a credential\'s secrets masked, and never the secrets themselves', async () => {
    const { context, page } = await newSession();
    await logIn(page, ADMIN);
    await page.goto(`${world.baseUrl}/admin/resources/Credential/records/${credentialId}/show`);
    await page.getByText('•••••••• (stored encrypted; edit to replace)').first().waitFor();
    await page.getByText('connected').first().waitFor();
    const html = await page.content();
    expect(html).not.toContain(world.seed.accessToken);
    expect(html).not.toContain(world.seed.appSecret);

    await page.goto(`${world.baseUrl}/admin/resources/Credential/records/${credentialId}/edit`);
    await page.locator('input[name=newAccessToken]').waitFor();
    expect(await page.locator('input[name=newAccessToken]').inputValue()).toBe('');
    expect(await page.content()).not.toContain(world.seed.accessToken);
    await context.close();
  });

  it('lets a viewer look but refuses their changes on the server', async () => {
    const { context, page } = await newSession();
    await logIn(page, VIEWER);
    await page.goto(`${world.baseUrl}/admin/resources/Campaign/records/${scheduledCampaignId}/show`);
    await page.getByTestId('campaign-progress').first().waitFor();
    expect(await page.getByTestId('action-pause').count()).toBe(0);

    // The button is hidden; calling the action's API directly is refused too.
    const answer = await page.evaluate(async (id) => {
      const response = await fetch(`/admin/api/resources/Campaign/records/${id}/pause`);
      return response.json() as Promise<{ notice?: { type: string; message: string } }>;
    }, scheduledCampaignId);
    expect(answer.notice).toMatchObject({ type: 'error', message: expect.stringMatching(/viewer/i) });
    expect(await campaignStatus(scheduledCampaignId)).toBe('scheduled');
    await context.close();
  });

  it('shows an error for a wrong password', async () => {
    const { context, page } = await newSession();
    await page.goto(`${world.baseUrl}/admin/login`);
    await page.fill('input[name=email]', ADMIN.email);
    await page.fill('input[name=password]', 'not the password');
    await page.locator('form button').click();
    await page.getByText('Wrong email and/or password').waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    await context.close();
  });

  it('sends visitors without a session from the queue board to the login page', async () => {
    const { context, page } = await newSession();
    await page.goto(`${world.baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/admin/login');
    const api = await context.request.get(`${world.baseUrl}/admin/queues/api/queues`, { maxRedirects: 0 });
    expect(api.status()).toBe(302);
    expect(api.headers().location).toBe('/admin/login');

    await logIn(page, ADMIN);
    await page.goto(`${world.baseUrl}/admin/queues`);
    await page.getByText('send', { exact: true }).first().waitFor();
    await context.close();
  });

  it('never sent a secret to the browser', async () => {
    const credential = await world.deps.models.Credential.findById(credentialId).select('+accessToken +appSecret').lean();
    const apiKey = await world.deps.models.ApiKey.findOne({ clientId: world.clientId }).lean();
    const operator = await world.deps.models.Operator.findOne({ email: ADMIN.email }).select('+passwordHash').lean();
    const secrets = [
      world.seed.accessToken, world.seed.appSecret, credential!.accessToken.data, credential!.appSecret!.data,
      apiKey!.hash, operator!.passwordHash, world.deps.config.sessionSecret,
    ];
    expect(responses.length).toBeGreaterThan(20);
    for (const { url, body } of responses) {
      for (const secret of secrets) expect(body.includes(secret), `${url} contains a secret`).toBe(false);
    }
  });
});
