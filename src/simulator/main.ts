/**
 * `npm run simulator`: the Graph API simulator as its own process, seeded with the sandbox account.
 *
 * This program reads its own environment (the engine's src/config.ts stays the only reader for the
 * engine): SIMULATOR_PORT (4010), SIMULATOR_HOST (127.0.0.1), SIMULATOR_WEBHOOK_URL (where webhooks
 * go; none by default), SIMULATOR_APP_SECRET (sandbox app secret), SIMULATOR_SEED_SANDBOX (1; 0 to
 * start empty), SIMULATOR_STATUS_INTERVAL_MS (1000: slow enough to watch statuses move),
 * SIMULATOR_LOG_LEVEL (info). `--port N` and `--host H` override the first two.
 */
import pino from 'pino';
import { z } from 'zod';
import { seedSandbox } from './sandbox.js';
import { createSimulator } from './simulator.js';

const SettingsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(4010),
  host: z.string().min(1).default('127.0.0.1'),
  webhookUrl: z.url().optional(),
  appSecret: z.string().min(1).optional(),
  seedSandbox: z.enum(['0', '1']).default('1'),
  statusIntervalMs: z.coerce.number().int().nonnegative().default(1000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

function argument(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const parsed = SettingsSchema.safeParse({
    port: argument('port') ?? process.env.SIMULATOR_PORT,
    host: argument('host') ?? process.env.SIMULATOR_HOST,
    webhookUrl: process.env.SIMULATOR_WEBHOOK_URL || undefined,
    appSecret: process.env.SIMULATOR_APP_SECRET || undefined,
    seedSandbox: process.env.SIMULATOR_SEED_SANDBOX,
    statusIntervalMs: process.env.SIMULATOR_STATUS_INTERVAL_MS,
    logLevel: process.env.SIMULATOR_LOG_LEVEL,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`simulator: ${issue.path.join('.')}: ${issue.message}`);
    process.exit(1);
  }
  const settings = parsed.data;
  const logger = pino({ level: settings.logLevel, name: 'graph-simulator' });
  const sim = await createSimulator({
    port: settings.port,
    host: settings.host,
    webhookUrl: settings.webhookUrl,
    logger,
    webhooks: { statusIntervalMs: settings.statusIntervalMs },
  });
  if (settings.seedSandbox === '1') {
    const seed = seedSandbox(sim, { appSecret: settings.appSecret });
    logger.info({ sandbox: seed }, 'sandbox account seeded');
  }
  logger.info({ url: sim.url, admin: `${sim.url}/_sim/state` }, 'Graph API simulator ready');

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'closing');
    sim.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'close failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('simulator failed to start:', error);
  process.exit(1);
});
