/**
 * The send path, measured (issue 6): throughput of one worker process with Meta's limits out of
 * the way, pace accuracy at 80 mps for five numbers at once (by the simulator's own clock), the
 * time to accept a 100,000-recipient campaign, and Redis's peak memory while a 1,000,000-recipient
 * backlog is being sent (invariant 8: Redis holds work in proportion to throughput).
 *
 * Run: npx tsx bench/sending.bench.ts [--throughput 20000] [--pace-seconds 20] [--backlog 1000000]
 *        [--parts throughput,pace,accept,backlog]   (a subset, e.g. `--parts throughput` while tuning)
 */
import { buildApp } from '../src/app.js';
import { createClientsService } from '../src/modules/clients/clients.service.js';
import { createCredentialsService } from '../src/modules/credentials/credentials.service.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { startWorkerRuntime } from '../workers/runtime.js';
import { arg, argList, runIfMain, startBenchWorld, type BenchResult, type BenchWorld } from './support.js';

const TOKEN = 'EAAbenchToken00000000000000000000000000000000000001';
const WABA = '100000000000001';
const template = { name: 'welcome_offer', language: 'en_US', components: [{ type: 'body', parameters: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] }] };

async function setupNumbers(world: BenchWorld, clientId: string, numbers: Array<{ id: string; level: 'STANDARD' | 'HIGH' }>, messagesPerSecond?: number) {
  await world.meta.admin('POST', '/setup', {
    tokens: [{ token: TOKEN, wabaIds: [WABA] }],
    phoneNumbers: numbers.map((number) => ({
      id: number.id, wabaId: WABA, displayPhoneNumber: `+1 555-020-${number.id.slice(-4)}`,
      throughput: { level: number.level }, messagingLimitTier: 'TIER_UNLIMITED',
    })),
  });
  const credentials = createCredentialsService(world.deps);
  const ids: string[] = [];
  for (const number of numbers) {
    const created = await credentials.create(clientId, { wabaId: WABA, phoneNumberId: number.id, accessToken: TOKEN, messagesPerSecond });
    const verified = await credentials.runVerification(created.id);
    if (verified?.status !== 'connected') throw new Error(`credential for ${number.id} is ${verified?.status}: ${verified?.lastError}`);
    ids.push(created.id);
  }
  return ids;
}

const recipients = (count: number, prefix: string) => Array.from({ length: count }, (_, n) => ({ to: `+${prefix}${String(n).padStart(7, '0')}` }));

async function waitForCompletion(world: BenchWorld, campaignIds: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await world.deps.models.Campaign.countDocuments({ _id: { $in: campaignIds }, status: { $ne: 'completed' } });
    if (open === 0) return;
    if (Date.now() > deadline) throw new Error('campaigns did not complete in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

type PostCampaign = (body: unknown) => Promise<{ json(): { id: string } }>;
const numberIds = (suffixes: string[]) => suffixes.map((n) => `2000000000000${n}`);

/** Sends `seconds` of 80 mps on each number at once and reads the pace off the simulator's clock. */
async function measurePace(world: BenchWorld, post: PostCampaign, credentialIds: string[], phoneNumberIds: string[], seconds: number, label: string): Promise<BenchResult[]> {
  await world.meta.admin('POST', '/reset', { scope: 'observations' });
  const campaigns = [];
  for (const [index, credentialId] of credentialIds.entries()) {
    campaigns.push((await post({ name: `pace${label} ${index}`, credentialId, template, recipients: recipients(80 * seconds, `336${phoneNumberIds[index].slice(-2)}`) })).json().id);
  }
  await waitForCompletion(world, campaigns, (seconds + 60) * 1000);
  const stats = await world.meta.admin<{ phoneNumbers: Record<string, { accepted: number; firstAt: number; lastAt: number; maxReceivedInAnySecond: number; limitsEnforced: { throughput: number } }> }>('GET', '/stats');
  const rows = phoneNumberIds.map((id) => stats.phoneNumbers[id]);
  const usage = rows.map((row) => ((row.accepted - 1) / ((row.lastAt - row.firstAt) / 1000)) / 80);
  return [
    { name: `pace: allowance used at 80 mps, 5 numbers (lowest)${label}`, value: Math.round(Math.min(...usage) * 1000) / 10, unit: '%', note: `each number ${usage.map((u) => (u * 100).toFixed(1)).join(', ')} %` },
    { name: `pace: highest sends in any second, any number (limit 80)${label}`, value: Math.max(...rows.map((row) => row.maxReceivedInAnySecond)), unit: 'messages' },
    { name: `pace: 130429 answers (Meta throttled us)${label}`, value: rows.reduce((sum, row) => sum + row.limitsEnforced.throughput, 0), unit: 'answers' },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const world = await startBenchWorld();
  const app = await buildApp(world.deps);
  const connection = createRedis(world.deps.config.redisUrl!, 'worker');
  await connectRedis(connection);
  const runtime = await startWorkerRuntime(world.deps, connection, { dispatcherTickMs: 50 });
  const { clientId, apiKey } = await createClientsService(world.deps).createClient('bench');
  // Not `--only`: bench/run.ts uses that name to pick suites.
  const parts = new Set(argList('parts', ['throughput', 'pace', 'accept', 'backlog']));
  const standardNumbers = () => setupNumbers(world, clientId, numberIds(['21', '22', '23', '24', '25']).map((id) => ({ id, level: 'STANDARD' as const })));
  let standard: string[] = [];
  const post = (body: unknown) => app.inject({ method: 'POST', url: '/v1/campaigns', headers: { authorization: `Bearer ${apiKey}` }, payload: body as never });

  try {
    // 1. Throughput with limits lifted: four numbers at Meta's 1,000 mps level.
    if (parts.has('throughput')) {
      const total = arg('throughput', 20_000);
      const fast = await setupNumbers(world, clientId, ['11', '12', '13', '14'].map((n) => ({ id: `2000000000000${n}`, level: 'HIGH' as const })), 1000);
      // CPU of this process (API and worker) per message: steadier than wall time on a shared machine.
      const cpuBefore = process.cpuUsage();
      const started = Date.now();
      const campaigns = [];
      for (const [index, credentialId] of fast.entries()) {
        campaigns.push((await post({ name: `throughput ${index}`, credentialId, template, recipients: recipients(total / fast.length, `4917${index}`) })).json().id);
      }
      await waitForCompletion(world, campaigns, 300_000);
      const seconds = (Date.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMsPerMessage = (cpu.user + cpu.system) / 1000 / total;
      results.push({ name: 'send throughput, one worker process, limits lifted', value: Math.round(total / seconds), unit: 'messages/s', note: `${total} messages accepted by the simulator and recorded in ${seconds.toFixed(1)} s, acceptance included; ${cpuMsPerMessage.toFixed(2)} ms CPU per message in the API+worker process` });
    }

    // 2. Pace accuracy: five numbers at the standard 80 mps, side by side; then again with every
    // answer 150 ms late, a round trip to Meta over the internet (a send then counts for the whole
    // jitter margin, see src/sending/pace.ts).
    if (parts.has('pace')) {
      const paceSeconds = arg('pace-seconds', 20);
      standard = await standardNumbers();
      results.push(...await measurePace(world, post, standard, numberIds(['21', '22', '23', '24', '25']), paceSeconds, ''));
      const slowLink = numberIds(['26', '27', '28', '29', '30']);
      const slow = await setupNumbers(world, clientId, slowLink.map((id) => ({ id, level: 'STANDARD' as const })));
      for (const phoneNumberId of slowLink) await world.meta.admin('POST', '/faults', { kind: 'latency', phoneNumberId, ms: 150 });
      results.push(...await measurePace(world, post, slow, slowLink, paceSeconds, ', answers 150 ms late'));
    }

    // 3. Time to accept a 100,000-recipient campaign (validation, screening, bulk insert).
    if (parts.has('accept')) {
      if (standard.length === 0) standard = await standardNumbers();
      const acceptStarted = Date.now();
      const big = await post({ name: 'acceptance', credentialId: standard[0], template, recipients: recipients(100_000, '5511') });
      if (big.statusCode !== 202) throw new Error(`100k campaign: ${big.statusCode} ${big.body.slice(0, 200)}`);
      results.push({ name: 'accept a 100,000-recipient campaign (POST → 202)', value: Date.now() - acceptStarted, unit: 'ms' });
      await world.deps.models.Campaign.updateOne({ _id: big.json().id }, { $set: { status: 'cancelled' } });
    }

    // 4. Redis memory with a 1,000,000-recipient backlog being sent.
    if (parts.has('backlog')) {
      if (standard.length === 0) standard = await standardNumbers();
      const backlog = arg('backlog', 1_000_000);
      await world.deps.redis.config('RESETSTAT');
      const baseline = Number(/used_memory:(\d+)/.exec(await world.deps.redis.info('memory'))![1]);
      const bulk = [];
      for (let offset = 0; offset < backlog; offset += 100_000) {
        bulk.push((await post({ name: `backlog ${offset}`, credentialId: standard[1], template, recipients: recipients(Math.min(100_000, backlog - offset), `55${21 + offset / 100_000}`) })).json().id);
      }
      let peak = baseline;
      const sampleUntil = Date.now() + 10_000;
      while (Date.now() < sampleUntil) {
        peak = Math.max(peak, Number(/used_memory:(\d+)/.exec(await world.deps.redis.info('memory'))![1]));
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const waiting = await world.deps.queues.send.getJobCounts('wait', 'active', 'delayed', 'prioritized');
      const progressed = await world.deps.models.Message.countDocuments({ campaignId: { $in: bulk }, status: { $nin: ['queued', 'cancelled'] } });
      results.push({
        name: `Redis memory while a ${backlog.toLocaleString('en')}-recipient backlog sends`, value: Math.round((peak - baseline) / 1024), unit: 'KB',
        note: `peak over the baseline before the backlog; Redis used ${(peak / 1024 / 1024).toFixed(1)} MB in all; ${progressed} messages sent while sampling; send jobs in Redis at the end: ${Object.values(waiting).reduce((a, b) => a + b, 0)}`,
      });
      await world.deps.models.Campaign.updateMany({ _id: { $in: bulk } }, { $set: { status: 'cancelled' } });
    }
  } finally {
    await runtime.stop();
    await closeRedis(connection);
    await app.close();
    await world.stop();
  }
  return results;
}

runIfMain(import.meta.url, 'sending', run);
