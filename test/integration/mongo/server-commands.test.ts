/**
 * Conformance: the handshake, server-level commands and error shapes, through the mongodb
 * driver and (for what the driver hides) a raw wire-protocol connection.
 */
import { Long } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openConformanceDb, rejectionOf, type AnyDoc, type ConformanceDb } from './conformance-db.js';
import { CHECKSUM_PRESENT, crc32c, MORE_TO_COME, RawConnection } from './raw-wire.js';

let conf: ConformanceDb;

beforeAll(async () => {
  conf = await openConformanceDb('server');
  await conf.db.collection<AnyDoc>('seed').insertOne({ seeded: true });
});

afterAll(async () => {
  await conf?.close();
});

describe('handshake and server description', () => {
  it('answers hello as a writable standalone primary with the limits drivers rely on', async () => {
    const hello = await conf.db.admin().command({ hello: 1 });
    expect(hello).toMatchObject({
      ok: 1,
      isWritablePrimary: true,
      maxBsonObjectSize: 16777216,
      maxMessageSizeBytes: 48000000,
      maxWriteBatchSize: 100000,
      logicalSessionTimeoutMinutes: 30,
      minWireVersion: 0,
    });
    expect(hello.maxWireVersion).toBeGreaterThanOrEqual(21);
    expect(typeof hello.connectionId).toBe('number');
    expect(hello.localTime).toBeInstanceOf(Date);
    expect(hello.setName).toBeUndefined();
  });

  it('answers the legacy isMaster and ismaster spellings', async () => {
    for (const name of ['isMaster', 'ismaster']) {
      const reply = await conf.db.admin().command({ [name]: 1 });
      expect(reply.ismaster).toBe(true);
      expect(reply.ok).toBe(1);
    }
  });

  it('answers ping, buildInfo, hostInfo, serverStatus and connectionStatus', async () => {
    const admin = conf.db.admin();
    expect((await admin.command({ ping: 1 })).ok).toBe(1);
    const info = await admin.command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.versionArray.slice(0, 3).join('.')).toBe(info.version.split('-')[0]);
    expect(info.versionArray[0]).toBeGreaterThanOrEqual(7);
    const host = await admin.command({ hostInfo: 1 });
    expect(typeof host.system.hostname).toBe('string');
    expect(typeof host.os.type).toBe('string');
    const status = await admin.command({ serverStatus: 1 });
    expect(status.process).toMatch(/mongod/);
    expect(status.version).toBe(info.version);
    expect(status.connections.current).toBeGreaterThanOrEqual(1);
    expect(typeof status.uptime).toBe('number');
    const connection = await admin.command({ connectionStatus: 1 });
    expect(Array.isArray(connection.authInfo.authenticatedUsers)).toBe(true);
  });

  it('gets and sets server parameters', async () => {
    const admin = conf.db.admin();
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/);
    const current = await admin.command({ getParameter: 1, ttlMonitorSleepSecs: 1 });
    const set = await admin.command({ setParameter: 1, ttlMonitorSleepSecs: current.ttlMonitorSleepSecs });
    expect(set.was).toBe(current.ttlMonitorSleepSecs);
    const unknown = await rejectionOf(() => admin.command({ setParameter: 1, definitelyNotAParameter: 1 }));
    expect(unknown.code).toBe(72);
  });

  it('lists databases, with nameOnly and a filter', async () => {
    const all = await conf.db.admin().command({ listDatabases: 1 });
    const mine = all.databases.find((db: { name: string }) => db.name === conf.dbName);
    expect(mine).toMatchObject({ name: conf.dbName, empty: false });
    expect(typeof mine.sizeOnDisk).toBe('number');
    expect(typeof all.totalSize).toBe('number');
    const filtered = await conf.db.admin().command({ listDatabases: 1, nameOnly: true, filter: { name: conf.dbName } });
    expect(filtered.databases).toEqual([{ name: conf.dbName }]);
  });

  it('ends sessions and accepts killAllSessions', async () => {
    const session = conf.client.startSession();
    await conf.db.collection<AnyDoc>('seed').findOne({}, { session });
    await session.endSession();
    expect((await conf.db.admin().command({ endSessions: [session.id] })).ok).toBe(1);
    expect((await conf.db.admin().command({ killAllSessions: [] })).ok).toBe(1);
  });
});

describe('errors have mongod\'s shape', () => {
  it('answers an unknown command with CommandNotFound', async () => {
    const error = await rejectionOf(() => conf.db.command({ definitelyNotACommand: 1 }));
    expect(error.code).toBe(59);
    expect(error.codeName).toBe('CommandNotFound');
    expect(error.message).toBe("no such command: 'definitelyNotACommand'");
  });

  it('refuses transactions on a standalone with IllegalOperation', async () => {
    const session = conf.client.startSession();
    try {
      const error = await rejectionOf(() => conf.db.command(
        { insert: 'txn', documents: [{ a: 1 }], txnNumber: Long.fromNumber(1), startTransaction: true, autocommit: false },
        { session },
      ));
      expect(error.code).toBe(20);
      expect(error.codeName).toBe('IllegalOperation');
      // Through the driver's own transaction API the write fails too, and nothing is stored.
      session.startTransaction();
      await rejectionOf(() => conf.db.collection<AnyDoc>('txn').insertOne({ a: 2 }, { session }));
      await session.abortTransaction().catch(() => {});
    } finally {
      await session.endSession();
    }
    expect(await conf.db.collection<AnyDoc>('txn').countDocuments()).toBe(0);
  });

  it('reports command errors as {ok: 0, errmsg, code, codeName}', async () => {
    const error = await rejectionOf(() => conf.db.command({ find: 'seed', filter: { $definitelyNotAnOperator: 1 } }));
    expect(error.errorResponse).toMatchObject({ ok: 0, code: expect.any(Number), codeName: expect.any(String), errmsg: expect.any(String) });
  });
});

describe('wire protocol below the driver', () => {
  const hostIsPlain = () => !conf.uri.includes('@');

  it('answers the legacy OP_QUERY handshake with OP_REPLY', async () => {
    if (!hostIsPlain()) return;
    const raw = await RawConnection.open(conf.uri);
    try {
      const requestId = raw.sendQuery('admin.$cmd', { isMaster: 1, helloOk: true });
      const reply = await raw.read();
      expect(reply).toMatchObject({ opCode: 1, responseTo: requestId });
      expect(reply?.doc).toMatchObject({ ismaster: true, ok: 1, helloOk: true });
      expect(reply?.doc.compression).toBeUndefined();
      // Other commands are no longer served over OP_QUERY.
      raw.sendQuery(`${conf.dbName}.$cmd`, { count: 'seed' });
      const refused = await raw.read();
      expect(refused?.doc.ok).toBe(0);
      expect(refused?.doc.code).toBe(352);
    } finally {
      raw.close();
    }
  });

  it('accepts OP_MSG with a valid CRC-32C checksum and drops the connection on a bad one', async () => {
    if (!hostIsPlain()) return;
    expect(crc32c(Buffer.from('123456789')).toString(16)).toBe('e3069283');
    const raw = await RawConnection.open(conf.uri);
    try {
      const requestId = raw.sendMsg({ ping: 1, $db: 'admin' }, { flags: CHECKSUM_PRESENT });
      const reply = await raw.read();
      expect(reply).toMatchObject({ opCode: 2013, responseTo: requestId });
      expect(reply?.doc.ok).toBe(1);
      raw.sendMsg({ ping: 1, $db: 'admin' }, { flags: CHECKSUM_PRESENT, corruptChecksum: true });
      expect(await raw.read()).toBeNull();
    } finally {
      raw.close();
    }
  });

  it('takes documents from a kind-1 document sequence', async () => {
    if (!hostIsPlain()) return;
    const raw = await RawConnection.open(conf.uri);
    try {
      raw.sendMsg({ insert: 'sequenced', $db: conf.dbName }, { sequences: { documents: [{ _id: 1 }, { _id: 2 }, { _id: 3 }] } });
      const reply = await raw.read();
      expect(reply?.doc).toMatchObject({ n: 3, ok: 1 });
    } finally {
      raw.close();
    }
    expect(await conf.db.collection<AnyDoc>('sequenced').countDocuments()).toBe(3);
  });

  it('does not answer a moreToCome (w:0) write, and answers the next command', async () => {
    if (!hostIsPlain()) return;
    const raw = await RawConnection.open(conf.uri);
    try {
      raw.sendMsg({ insert: 'unacknowledged', documents: [{ _id: 'w0' }], writeConcern: { w: 0 }, $db: conf.dbName }, { flags: MORE_TO_COME });
      const findId = raw.sendMsg({ find: 'unacknowledged', filter: { _id: 'w0' }, $db: conf.dbName });
      const reply = await raw.read();
      expect(reply?.responseTo).toBe(findId);
      expect(reply?.doc.cursor.firstBatch).toEqual([{ _id: 'w0' }]);
    } finally {
      raw.close();
    }
  });
});
