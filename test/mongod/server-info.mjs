/**
 * Who the stand-in says it is: mongod 7.0.14 on a standalone, wire version 21, no compression,
 * no authentication. Shared by the CLI (`--version`) and the commands that describe the server.
 */
import os from 'node:os';

export const VERSION = '7.0.14';
export const VERSION_ARRAY = [7, 0, 14, 0];
export const MAX_WIRE_VERSION = 21;
export const MAX_BSON_OBJECT_SIZE = 16777216;
export const MAX_MESSAGE_SIZE_BYTES = 48000000;
export const MAX_WRITE_BATCH_SIZE = 100000;
export const LOGICAL_SESSION_TIMEOUT_MINUTES = 30;
export const GIT_VERSION = 'stand-in';

export function buildInfo() {
  return {
    version: VERSION,
    gitVersion: GIT_VERSION,
    modules: [],
    allocator: 'system',
    javascriptEngine: 'none',
    sysInfo: 'deprecated',
    versionArray: VERSION_ARRAY,
    openssl: { running: 'disabled', compiled: 'disabled' },
    buildEnvironment: { distmod: 'stand-in', distarch: os.arch(), target_arch: os.arch() },
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['inMemory'],
  };
}
