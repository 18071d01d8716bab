/**
 * Chooses the MongoDB that tests and `npm run dev` talk to (contract §7):
 * `MONGO_URL`; else a real mongod through mongodb-memory-server (`MONGOMS_SYSTEM_BINARY`, a cached
 * binary or its download); else the project's wire-protocol stand-in (`test/mongod/mongod.mjs`),
 * started by mongodb-memory-server in mongod's place. The application never knows which.
 */
import { lookup } from 'node:dns/promises';
import { fileURLToPath } from 'node:url';
import { MongoMemoryServer } from 'mongodb-memory-server';

export type MongoKind = 'external' | 'mongod' | 'stand-in';

export interface MongoHandle {
  /** Server URI ending in `/`; append a database name. */
  uri: string;
  kind: MongoKind;
  /** One sentence saying which server is in use and why. */
  reason: string;
  stop(): Promise<void>;
}

export const STAND_IN_PATH = fileURLToPath(new URL('../mongod/mongod.mjs', import.meta.url));
const STAND_IN_VERSION = '7.0.14';
const DOWNLOAD_HOST = 'fastdl.mongodb.org';

/** The server part of a MongoDB URI with an empty database path, so callers can append one. */
function serverRoot(uri: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error('MONGO_URL must look like mongodb://host:port/database');
  return `${match[1]}/${match[2] ?? ''}`;
}

async function canDownload(): Promise<boolean> {
  try {
    await Promise.race([
      lookup(DOWNLOAD_HOST),
      new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500)),
    ]);
    return true;
  } catch {
    return false;
  }
}

async function startStandIn(why: string): Promise<MongoHandle> {
  const server = await MongoMemoryServer.create({
    binary: { systemBinary: STAND_IN_PATH, version: STAND_IN_VERSION, checkMD5: false },
  });
  return {
    uri: serverRoot(server.getUri()),
    kind: 'stand-in',
    reason: `MongoDB: the project's stand-in (test/mongod/mongod.mjs) at ${server.getUri()}, because ${why}.`,
    stop: async () => { await server.stop({ doCleanup: true, force: true }); },
  };
}

export async function startMongo(env: NodeJS.ProcessEnv = process.env): Promise<MongoHandle> {
  if (env.MONGO_URL) {
    return {
      uri: serverRoot(env.MONGO_URL),
      kind: 'external',
      reason: 'MongoDB: MONGO_URL is set, so that server is used.',
      stop: async () => {},
    };
  }
  if (env.MONGO_STAND_IN === '1') return startStandIn('MONGO_STAND_IN=1 asks for it');

  const systemBinary = env.MONGOMS_SYSTEM_BINARY;
  if (systemBinary || (await canDownload())) {
    try {
      const server = await MongoMemoryServer.create();
      return {
        uri: serverRoot(server.getUri()),
        kind: 'mongod',
        reason: systemBinary
          ? `MongoDB: a real mongod (${systemBinary}) through mongodb-memory-server.`
          : 'MongoDB: a real mongod downloaded by mongodb-memory-server.',
        stop: async () => { await server.stop({ doCleanup: true, force: true }); },
      };
    } catch (error) {
      return startStandIn(`no real mongod could be started (${(error as Error).message.split('\n')[0]})`);
    }
  }
  return startStandIn(`no mongod binary is configured and ${DOWNLOAD_HOST} cannot be reached to download one`);
}
