/**
 * Outbound events (issue 11): how fast events are stored by the emitter (what the send path pays
 * when a client has an endpoint), how fast one worker process delivers a backlog to a local
 * receiver (signed POSTs, answers recorded), and the latency from emission to receipt at a steady
 * rate, all through the real mover, queue and deliverer.
 *
 * Run: npx tsx bench/events.bench.ts [--events 5000] [--steady 1000]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Types } from 'mongoose';
import { outboundEvents } from '../src/modules/events/emitter.js';
import { EVENT_TYPES } from '../src/modules/events/event-types.js';
import { QUEUE } from '../src/queues/names.js';
import { closeRedis, connectRedis, createRedis } from '../src/redis.js';
import { startOutboundEvents } from '../workers/events/outbound-runtime.js';
import { outboundEventProcessor } from '../workers/processors/outbound-event.processor.js';
import { OUTBOUND_EVENT_CONCURRENCY } from '../workers/processors.js';
import { startWorkers, stopWorkers } from '../workers/start-workers.js';
import { arg, runIfMain, startBenchWorld, type BenchResult } from './support.js';

const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** A client's endpoint: answers 200 at once and notes when each event arrived. */
async function startReceiver() {
  const arrivals = new Map<string, number>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      arrivals.set(JSON.parse(Buffer.concat(chunks).toString()).data.messageId, performance.now());
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, arrivals, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until(probe: () => Promise<boolean> | boolean, what: string, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function run(): Promise<BenchResult[]> {
  const backlog = arg('events', 5_000);
  const steady = arg('steady', 1_000);
  const world = await startBenchWorld();
  const { deps } = world;
  const receiver = await startReceiver();
  const connection = createRedis(deps.config.redisUrl!, 'worker');
  await connectRedis(connection);
  const outbound = startOutboundEvents(deps);
  try {
    const clientId = new Types.ObjectId();
    await deps.models.WebhookEndpoint.create({ clientId, url: receiver.url, events: [...EVENT_TYPES], secret: deps.keyRing.seal('whsec_bench') });
    const events = outboundEvents(deps.models, deps.log);
    const emitted = new Map<string, number>();
    const emit = (n: number) => {
      const messageId = `m${n}`;
      emitted.set(messageId, performance.now());
      events.emit(clientId, 'message.status', () => ({ messageId, to: '5511999990000', status: 'delivered', wamid: `wamid.${n}`, at: new Date().toISOString() }));
    };

    // 1. Emission: what a status change costs when the client has an endpoint (stored, not yet sent).
    const storeStarted = performance.now();
    for (let n = 0; n < backlog; n++) emit(n);
    await until(async () => (await deps.models.EventDelivery.countDocuments()) === backlog, 'the events to be stored');
    const storeSeconds = (performance.now() - storeStarted) / 1000;

    // 2. Delivery of the backlog by one worker process.
    const deliverStarted = performance.now();
    const workers = startWorkers(deps, connection, [{ queue: QUEUE.outboundEvents, process: outboundEventProcessor(outbound.deliverer), options: { concurrency: OUTBOUND_EVENT_CONCURRENCY } }]);
    await until(() => receiver.arrivals.size === backlog, 'the backlog to arrive');
    const deliverSeconds = (performance.now() - deliverStarted) / 1000;
    await until(async () => (await deps.models.EventDelivery.countDocuments({ status: 'delivered' })) === backlog, 'the deliveries to be recorded');

    // 3. Steady state: events at 200/s, latency from emission to arrival.
    const rate = 200;
    const steadyStarted = performance.now();
    for (let n = 0; n < steady; n++) {
      emit(backlog + n);
      const due = steadyStarted + ((n + 1) * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    await until(() => receiver.arrivals.size === backlog + steady, 'the steady events to arrive');
    const latencies = Array.from({ length: steady }, (_, n) => receiver.arrivals.get(`m${backlog + n}`)! - emitted.get(`m${backlog + n}`)!).sort((a, b) => a - b);
    await stopWorkers(workers);

    return [
      { name: 'events: stored by the emitter (1 endpoint subscribed)', value: round(backlog / storeSeconds), unit: 'events/s', note: `${backlog} events; MongoDB: ${world.mongoKind}` },
      { name: 'events: backlog delivered to a local receiver, one worker', value: round(backlog / deliverSeconds), unit: 'events/s', note: `${backlog} signed POSTs answered 200, ${round(deliverSeconds, 1)} s` },
      { name: `events: emission → receipt at ${rate} events/s, p50`, value: round(percentile(latencies, 50)), unit: 'ms', note: `p99 ${round(percentile(latencies, 99))} ms over ${steady} events` },
    ];
  } finally {
    await outbound.stop();
    await outbound.close();
    await receiver.close();
    await closeRedis(connection).catch(() => {});
    await world.stop();
  }
}

runIfMain(import.meta.url, 'Outbound events', run);
