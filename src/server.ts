/**
 * Production API entry point (`npm start`): configuration, dependencies, listen, and a graceful
 * shutdown that stops accepting requests, lets in-flight ones finish, then closes connections.
 */
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { loadConfigOrExit } from './config.js';
import { closeDeps, createDeps } from './deps.js';
import { createLogger } from './logger.js';
import { describeAdminLogin, seedFirstOperator } from '../admin/seed-operator.js';

const config = loadConfigOrExit();
const log = createLogger(config, 'ocm-api');
if (config.generatedSecrets.length > 0) {
  log.warn({ generated: config.generatedSecrets }, 'throwaway development secrets are in use; set them for anything that must survive a restart');
}

try {
  const deps = await createDeps(config, { log, role: 'api' });
  const adminLogin = await seedFirstOperator(deps, { generateWhenUnset: false });
  const app = await buildApp(deps);
  closeWithGrace({ delay: 15_000 }, async ({ signal, err }) => {
    if (err) log.error({ err }, 'shutting down after an uncaught error');
    else log.info({ signal }, 'shutting down');
    await app.close();
    await closeDeps(deps);
  });
  await app.listen({ port: config.port, host: config.host });
  log.info({ adminUrl: `${config.publicBaseUrl}/admin`, login: adminLogin.email }, describeAdminLogin(`${config.publicBaseUrl}/admin`, adminLogin));
} catch (error) {
  log.fatal({ err: error }, `could not start: ${(error as Error).message}`);
  process.exit(1);
}
