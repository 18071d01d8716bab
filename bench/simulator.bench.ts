/**
 * What the Graph API simulator costs per 1,000 sends, measured in its own process (as
 * `npm run simulator` runs it) so the client's CPU is not counted: a paced phase at 1,000 sends/s
 * and an unpaced phase for its ceiling. Webhooks (3 statuses per send) go to a local receiver.
 *
 * Run: npx tsx bench/simulator.bench.ts [--rate 1000] [--seconds 5] [--blast 20000]
 * SIM_PROF=1 also writes a V8 CPU profile of the simulator process to /tmp/simprof.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import { freePort } from '../test/support/free-port.js';

const arg = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const RATE = arg('rate', 1000);
const SECONDS = arg('seconds', 5);
const BLAST = arg('blast', 20_000);

let statusesReceived = 0;
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    statusesReceived += (Buffer.concat(chunks).toString().match(/"status":"/g) ?? []).length;
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const webhookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks`;

const port = await freePort();
const child = spawn(process.execPath, [...(process.env.SIM_PROF ? ['--cpu-prof', '--cpu-prof-dir=/tmp/simprof'] : []), '--import', 'tsx', 'src/simulator/main.ts', '--port', String(port)], {
  env: { ...process.env, SIMULATOR_SEED_SANDBOX: '0', SIMULATOR_LOG_LEVEL: 'warn', SIMULATOR_STATUS_INTERVAL_MS: '100' },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
const pool = new Pool(base, { connections: 64, pipelining: 1 });

async function call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: any }> {
  const response = await pool.request({
    method: method as 'GET',
    path,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.body.text();
  return { status: response.statusCode, json: text ? JSON.parse(text) : null };
}

for (let attempt = 0; ; attempt += 1) {
  try {
    if ((await call('GET', '/_sim/state')).status === 200) break;
  } catch {
    if (attempt > 200) throw new Error('the simulator did not start');
  }
  await sleep(50);
}

const TOKEN = 'EAABenchToken0000000000000001';
await call('POST', '/_sim/setup', {
  apps: [{ id: '800000000000001', secret: 'bench-secret', callbackUrl: webhookUrl }],
  wabas: [
    {
      id: '810000000000001',
      subscribedAppIds: ['800000000000001'],
      templates: [{ name: 'bench', language: 'en_US', category: 'MARKETING', components: [{ type: 'BODY', text: 'Hi {{1}}, {{2}}' }] }],
    },
  ],
  phoneNumbers: [
    {
      id: '820000000000001',
      wabaId: '810000000000001',
      displayPhoneNumber: '+1 555-030-0001',
      throughput: { level: 'HIGH', mps: 1_000_000 },
      pairRateLimit: { burst: 1_000_000, refillIntervalMs: 1 },
    },
  ],
  tokens: [{ token: TOKEN, appId: '800000000000001', wabaIds: ['810000000000001'] }],
});

let sequence = 0;
const send = () =>
  call(
    'POST',
    '/v23.0/820000000000001/messages',
    {
      messaging_product: 'whatsapp',
      to: `+55119${String(sequence++).padStart(8, '0')}`,
      type: 'template',
      biz_opaque_callback_data: `bench:${sequence}`,
      template: {
        name: 'bench',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'Ana' }, { type: 'text', text: 'José' }] }],
      },
    },
    TOKEN,
  );

/** CPU the simulator process has used so far: user (JavaScript) and system (mostly socket I/O). */
const cpuOfSimulator = async () => {
  const { json } = await call('GET', '/_sim/stats');
  return { user: json.process.cpuUserMs as number, system: json.process.cpuSystemMs as number };
};
const cpuSince = (start: { user: number; system: number }, end: { user: number; system: number }) => ({
  user: end.user - start.user,
  system: end.system - start.system,
  total: end.user - start.user + end.system - start.system,
});
const per1000 = (ms: number, sends: number) => Math.round((ms / sends) * 1000);

// Warm-up: JIT, connections.
await Promise.all(Array.from({ length: 2000 }, send));
await call('POST', '/_sim/webhooks/wait', { timeoutMs: 30_000 });

// Paced phase: RATE sends per second, in 10 ms ticks.
const pacedCpuStart = await cpuOfSimulator();
const pacedStart = performance.now();
const perTick = RATE / 100;
const inFlight: Promise<unknown>[] = [];
for (let tick = 0; tick < SECONDS * 100; tick += 1) {
  for (let i = 0; i < perTick; i += 1) inFlight.push(send());
  const due = pacedStart + (tick + 1) * 10;
  await sleep(Math.max(0, due - performance.now()));
}
const pacedAnswers = (await Promise.all(inFlight)) as Array<{ status: number }>;
await call('POST', '/_sim/webhooks/wait', { timeoutMs: 30_000 });
const pacedCpu = cpuSince(pacedCpuStart, await cpuOfSimulator());
const pacedSends = pacedAnswers.length;

// Unpaced phase: as fast as 64 connections go.
const blastCpuStart = await cpuOfSimulator();
const blastStart = performance.now();
const blastAnswers = await Promise.all(Array.from({ length: BLAST }, send));
const blastSeconds = (performance.now() - blastStart) / 1000;
await call('POST', '/_sim/webhooks/wait', { timeoutMs: 60_000 });
const blastCpu = cpuSince(blastCpuStart, await cpuOfSimulator());

const stats = (await call('GET', '/_sim/stats')).json;
console.log(
  JSON.stringify(
    {
      paced: {
        targetRatePerSecond: RATE,
        sends: pacedSends,
        ok: pacedAnswers.filter((a) => a.status === 200).length,
        simulatorCpuMsPer1000Sends: {
          user: per1000(pacedCpu.user, pacedSends),
          system: per1000(pacedCpu.system, pacedSends),
          total: per1000(pacedCpu.total, pacedSends),
        },
        cpuShareOfOneCore: Number((pacedCpu.total / (SECONDS * 1000)).toFixed(3)),
      },
      unpaced: {
        sends: BLAST,
        ok: blastAnswers.filter((a) => a.status === 200).length,
        sendsPerSecond: Math.round(BLAST / blastSeconds),
        simulatorCpuMsPer1000Sends: { user: per1000(blastCpu.user, BLAST), system: per1000(blastCpu.system, BLAST), total: per1000(blastCpu.total, BLAST) },
      },
      webhooks: { ...stats.webhooks, statusesReceived },
      simulatorRssMb: Math.round(stats.process.rssBytes / 1e6),
    },
    null,
    2,
  ),
);

child.kill('SIGTERM');
await pool.close();
receiver.close();
