/**
 * Operator CLI (`npm run cli -- <command>`): JSON on stdout, one line; errors on stderr with
 * exit code 1. Needs MONGO_URL (and CREDENTIALS_KEYS for credentials:reencrypt).
 */
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfigOrExit } from '../config.js';
import { connectMongo } from '../db/connection.js';
import { createModels, ensureIndexes } from '../db/models.js';
import { createKeyRing } from '../lib/keyring.js';
import { createClientsService } from '../modules/clients/clients.service.js';
import { reencryptCredentials } from '../modules/credentials/reencrypt.js';
import { createOperatorsService } from '../modules/operators/operators.service.js';

const USAGE = `usage: npm run cli -- <command> [options]
  clients:create --name <name>                         → {"clientId","apiKey"}
  apikeys:create --client <clientId> [--name <name>]   → {"apiKey"}
  operators:create --email <email> --password <password> [--role admin|viewer]
  operators:set-password --email <email> --password <password>   (e.g. a forgotten admin password)
  credentials:reencrypt                                → moves every secret to the first key of CREDENTIALS_KEYS`;

class UsageError extends Error {}

function required(values: Record<string, string | undefined>, name: string): string {
  const value = values[name];
  if (!value) throw new UsageError(`--${name} is required`);
  return value;
}

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const { values } = parseArgs({
    args: rest,
    options: { name: { type: 'string' }, client: { type: 'string' }, email: { type: 'string' }, password: { type: 'string' }, role: { type: 'string' } },
    strict: true,
  });
  if (!command || command === 'help' || command === '--help') throw new UsageError('');

  const config = loadConfigOrExit();
  if (!config.mongoUrl) throw new UsageError('MONGO_URL must point at the database the API uses');
  const mongo = await connectMongo(config.mongoUrl);
  const models = createModels(mongo);
  try {
    await ensureIndexes(models);
    switch (command) {
      case 'clients:create':
        return await createClientsService({ models }).createClient(required(values, 'name'));
      case 'apikeys:create': {
        const { apiKey } = await createClientsService({ models }).createApiKey(required(values, 'client'), values.name);
        return { apiKey };
      }
      case 'operators:create': {
        const role = values.role ?? 'admin';
        if (role !== 'admin' && role !== 'viewer') throw new UsageError('--role must be admin or viewer');
        return await createOperatorsService({ models }).create(required(values, 'email'), required(values, 'password'), role);
      }
      case 'operators:set-password': {
        const email = required(values, 'email');
        const updated = await createOperatorsService({ models }).update({ email }, { password: required(values, 'password') });
        if (!updated) throw new Error(`no operator has the email ${email}`);
        return updated;
      }
      case 'credentials:reencrypt': {
        const log = pino({ level: config.logLevel }, pino.destination(2));
        return await reencryptCredentials({ models, keyRing: createKeyRing(config.credentialsKeys), log });
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    await mongo.close();
  }
}

main().then((result) => {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}).catch((error: Error) => {
  if (error instanceof UsageError) {
    if (error.message) process.stderr.write(`error: ${error.message}\n`);
    process.stderr.write(`${USAGE}\n`);
  } else if ((error as { code?: number }).code === 11000) {
    process.stderr.write('error: that record already exists\n');
  } else {
    process.stderr.write(`error: ${error.message}\n`);
  }
  process.exitCode = 1;
});
