/**
 * `SANDBOX=1 npm run dev`: the Graph API simulator in the same process, seeded with a demo WABA,
 * number and templates, and a demo client with an API key and a connected credential — so a
 * newcomer with no Meta account can send a campaign and watch it go from queued to read.
 */
import type { Deps } from '../src/deps.js';
import { createClientsService } from '../src/modules/clients/clients.service.js';
import { createCredentialsService } from '../src/modules/credentials/credentials.service.js';
import { createSimulator, seedSandbox, type SandboxSeed, type Simulator } from '../src/simulator/index.js';

export async function startSandboxSimulator(webhookUrl: string): Promise<{ sim: Simulator; seed: SandboxSeed }> {
  // Statuses a second apart, so a person can watch them change.
  const sim = await createSimulator({ webhookUrl, webhooks: { statusIntervalMs: 1000 } });
  return { sim, seed: seedSandbox(sim, { webhookUrl }) };
}

/** A demo client, API key and connected credential for the sandbox number. */
export async function seedSandboxClient(deps: Deps, seed: SandboxSeed) {
  const { clientId, apiKey } = await createClientsService(deps).createClient('Sandbox demo');
  const credentials = createCredentialsService(deps);
  const credential = await credentials.create(clientId, {
    name: 'Sandbox number', wabaId: seed.wabaId, phoneNumberId: seed.phoneNumberId,
    accessToken: seed.accessToken, appId: seed.appId, appSecret: seed.appSecret,
  });
  await credentials.runVerification(credential.id);
  return { clientId, apiKey, credentialId: credential.id };
}

export function sandboxInstructions(base: string, demo: { apiKey: string; credentialId: string }, seed: SandboxSeed): string[] {
  const template = seed.templates.find((entry) => entry.name === 'welcome_offer' && entry.language === 'en_US')!;
  const body = JSON.stringify({
    name: 'My first campaign', credentialId: demo.credentialId,
    template: { name: template.name, language: template.language, components: template.exampleComponents.slice(0, 1) },
    recipients: [{ to: '+5511999990001' }, { to: '+5511999990002' }, { to: '+5511999990003' }],
  });
  return [
    `Sandbox:  Graph API simulator at ${seed.graphApiBaseUrl} (admin API: ${seed.graphApiBaseUrl}/_sim/stats)`,
    `          demo client API key: ${demo.apiKey}`,
    `          credential ${demo.credentialId} → WABA ${seed.wabaId}, number ${seed.displayPhoneNumber}`,
    `          templates: ${seed.templates.map((entry) => `${entry.name} (${entry.language}, ${entry.status})`).join(', ')}`,
    `Try it:   curl -s -X POST ${base}/v1/campaigns -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' -d '${body}'`,
    `          then: curl -s ${base}/v1/campaigns -H 'Authorization: Bearer ${demo.apiKey}'`,
  ];
}
