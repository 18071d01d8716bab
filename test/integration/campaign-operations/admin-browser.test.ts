/**
 * The panel's campaign-operation screens in a real browser (Debian's chromium): a campaign
 * created from a CSV file picked in the form, its report link, and a webhook endpoint whose
 * secret is shown once.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorld, type World } from '../../helpers/world.js';
import { createOperator } from '../admin/admin-client.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const ADMIN = { email: 'ops-csv@example.com', password: 'ops-password-1' };

let world: World;
let browser: Browser;
let page: Page;
let credentialId: string;

beforeAll(async () => {
  world = await createWorld({ admin: true });
  [browser, credentialId] = await Promise.all([chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }), world.connectCredential()]);
  await createOperator(world.deps, ADMIN.email, ADMIN.password, 'admin');
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => process.stderr.write(`admin page error: ${error.message}\n`));
  await page.goto(`${world.baseUrl}/admin/login`);
  await page.fill('input[name=email]', ADMIN.email);
  await page.fill('input[name=password]', ADMIN.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.endsWith('/login')), page.locator('form button').click()]);
}, 90_000);
afterAll(async () => {
  await browser?.close();
  await world?.close();
});

describe('campaign operations in the browser', () => {
  it('creates a campaign from a CSV file and links to its report', async () => {
    await page.goto(`${world.baseUrl}/admin/resources/Campaign/actions/uploadCsv`);
    const form = page.getByTestId('csv-upload');
    await form.locator('#clientId').fill(world.clientId);
    await form.locator('#campaign').fill(JSON.stringify({ name: 'Browser CSV', credentialId, template: { name: 'welcome_offer', language: 'en_US' }, scheduledAt: new Date(Date.now() + 3600_000).toISOString() }));
    await form.locator('#recipients').setInputFiles({ name: 'recipients.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFFphone,ref,body.1,body.2\r\n+4915100002001,a,"Smith, Jr.",10%\r\n+4915100002002,b,Bo,5%\r\nnot a phone,c,x,y\r\n') });
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await form.getByText(/Campaign created \(scheduled\): 2 messages, 1 rejected/).waitFor();
    const campaign = await world.deps.models.Campaign.findOne({ name: 'Browser CSV' }).lean();
    expect(campaign?.counts?.total).toBe(2);

    await page.goto(`${world.baseUrl}/admin/resources/Campaign/records/${campaign!._id}/downloadReport`);
    const href = await page.getByTestId('report-link').getAttribute('href');
    expect(href).toBe(`/admin/campaign-files/${campaign!._id}/report.csv`);
    const report = await page.request.get(`${world.baseUrl}${href}`);
    expect(report.status()).toBe(200);
    expect((await report.text()).split('\r\n').filter(Boolean)).toHaveLength(3);
  }, 60_000);

  it('creates a webhook endpoint and shows its secret once', async () => {
    await page.goto(`${world.baseUrl}/admin/resources/WebhookEndpoint/actions/new`);
    const form = page.getByTestId('action-form');
    await form.locator('#clientId').fill(world.clientId);
    await form.locator('#url').fill('https://crm.example.com/ocm-events');
    await form.getByRole('button', { name: 'Create' }).click();
    const secret = await page.getByTestId('shown-once').locator('pre').textContent();
    expect(secret).toMatch(/^whsec_/);
    expect(await world.deps.models.WebhookEndpoint.countDocuments({ clientId: world.clientId })).toBe(1);
  }, 60_000);
});
