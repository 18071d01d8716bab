/**
 * CSV campaigns and reports (issue 11), over HTTP to the real app: parsing and screening a
 * 100,000-row recipients file (dry run), accepting it (parsed, screened and 100,000 messages
 * stored), and streaming the campaign's 100,000-row report — each with the time, the rate and the
 * process's peak memory above what it used before (the bench's own copy of the file included).
 *
 * Run: npx tsx bench/csv.bench.ts [--rows 100000]
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { request } from 'undici';
import { buildApp } from '../src/app.js';
import { createClientsService } from '../src/modules/clients/clients.service.js';
import { csvCampaign } from '../test/integration/campaign-operations/multipart.js';
import { arg, runIfMain, startBenchWorld, type BenchResult } from './support.js';

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const MiB = 1024 * 1024;

/** Peak RSS and heap above the level when it started, sampled every 10 ms. */
function memoryWatch() {
  const start = process.memoryUsage();
  let peakRss = start.rss;
  let peakHeap = start.heapUsed;
  const timer = setInterval(() => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  }, 10);
  return () => {
    clearInterval(timer);
    return { rss: (peakRss - start.rss) / MiB, heap: (peakHeap - start.heapUsed) / MiB };
  };
}

async function measure<T>(work: () => Promise<T>) {
  globalThis.gc?.();
  const stop = memoryWatch();
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000, memory: stop() };
}

export async function run(): Promise<BenchResult[]> {
  const rows = arg('rows', 100_000);
  const world = await startBenchWorld();
  const app = await buildApp(world.deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  try {
    const { clientId, apiKey } = await createClientsService(world.deps).createClient('csv bench');
    const credential = await world.deps.models.Credential.create({
      clientId, wabaId: '100000000000777', phoneNumberId: '200000000000777', verifyToken: randomBytes(12).toString('hex'), status: 'connected',
      accessToken: world.deps.keyRing.seal('EAAbench'), phone: { messagingLimitTier: 'TIER_UNLIMITED', throughput: { level: 'STANDARD', messagesPerSecond: 80 } },
    });
    const lines = Array.from({ length: rows }, (_, n) => `+33612${String(n).padStart(6, '0')},crm-${n},"Client ${n}, Esq.",${n % 50}%`);
    const csv = `phone,ref,body.1,body.2\r\n${lines.join('\r\n')}\r\n`;
    const campaign = { name: 'csv bench', credentialId: String(credential._id), template: { name: 'welcome_offer', language: 'en_US' } };
    const post = async (fields: Record<string, unknown>) => {
      const form = csvCampaign({ ...campaign, ...fields }, csv);
      const answer = await request(`${base}/v1/campaigns`, { method: 'POST', body: form.payload, headers: { ...form.headers, authorization: `Bearer ${apiKey}` } });
      const body = await answer.body.json() as { id?: string; counts?: { total: number } };
      if (answer.statusCode >= 300 || body.counts?.total !== rows) throw new Error(`upload answered ${answer.statusCode}: ${JSON.stringify(body).slice(0, 300)}`);
      return body;
    };

    const dryRun = await measure(() => post({ dryRun: true }));
    const accepted = await measure(() => post({ scheduledAt: new Date(Date.now() + 24 * 3600_000).toISOString() }));
    const report = await measure(async () => {
      const answer = await request(`${base}/v1/campaigns/${accepted.value.id}/report.csv`, { headers: { authorization: `Bearer ${apiKey}` } });
      let lineBreaks = 0;
      let bytes = 0;
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lineBreaks++;
      }
      if (lineBreaks - 1 !== rows) throw new Error(`the report has ${lineBreaks - 1} rows, expected ${rows}`);
      return bytes;
    });

    const fileNote = `${round(csv.length / MiB, 1)} MiB, ${rows.toLocaleString('en-US')} rows; MongoDB: ${world.mongoKind}`;
    return [
      { name: `csv: parse and screen ${rows.toLocaleString('en-US')} rows (dry run, HTTP)`, value: round(rows / dryRun.seconds), unit: 'rows/s', note: `${round(dryRun.seconds, 2)} s; peak +${round(dryRun.memory.rss)} MiB RSS, +${round(dryRun.memory.heap)} MiB heap; ${fileNote}` },
      { name: `csv: accept ${rows.toLocaleString('en-US')} rows (parse, screen, store)`, value: round(accepted.seconds, 2), unit: 's', note: `${round(rows / accepted.seconds)} rows/s; peak +${round(accepted.memory.rss)} MiB RSS, +${round(accepted.memory.heap)} MiB heap` },
      { name: `report.csv: stream ${rows.toLocaleString('en-US')} rows`, value: round(rows / report.seconds), unit: 'rows/s', note: `${round(report.value / MiB, 1)} MiB in ${round(report.seconds, 2)} s; peak +${round(report.memory.rss)} MiB RSS, +${round(report.memory.heap)} MiB heap` },
    ];
  } finally {
    await app.close();
    await world.stop();
  }
}

runIfMain(import.meta.url, 'CSV campaigns and reports', run);
