/**
 * A deliberately small wire-protocol client for the conformance tests that must look below the
 * driver: the legacy OP_QUERY handshake, OP_MSG checksums, document sequences and moreToCome.
 * Written from the protocol description, independently of the stand-in's own code.
 */
import net from 'node:net';
import { BSON } from 'mongodb';

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
export const CHECKSUM_PRESENT = 1;
export const MORE_TO_COME = 2;

/** Bitwise CRC-32C (Castagnoli), slow but obviously right. */
export function crc32c(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

let nextRequestId = 1000;

function header(length: number, requestId: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(0, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

export interface RawReply {
  opCode: number;
  responseTo: number;
  flags: number;
  doc: Record<string, any>;
}

export class RawConnection {
  private buffered = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(uri: string): Promise<RawConnection> {
    const { hostname, port } = new URL(uri.replace(/^mongodb:/, 'http:'));
    const socket = net.connect({ host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 27017) });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawConnection(socket);
  }

  private wake() {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** OP_QUERY against `<db>.$cmd`; returns the request id. */
  sendQuery(namespace: string, query: object): number {
    const requestId = nextRequestId++;
    const ns = Buffer.from(`${namespace}\0`);
    const body = BSON.serialize(query);
    const fields = Buffer.alloc(12);
    fields.writeInt32LE(0, 0); // flags
    const skipReturn = Buffer.alloc(8);
    skipReturn.writeInt32LE(0, 0);
    skipReturn.writeInt32LE(-1, 4);
    const payload = Buffer.concat([Buffer.alloc(4), ns, skipReturn, body]);
    this.socket.write(Buffer.concat([header(16 + payload.length, requestId, OP_QUERY), payload]));
    return requestId;
  }

  /** OP_MSG with a body and optional document sequences; returns the request id. */
  sendMsg(
    body: object,
    options: { flags?: number; sequences?: Record<string, object[]>; corruptChecksum?: boolean } = {},
  ): number {
    const requestId = nextRequestId++;
    const flags = options.flags ?? 0;
    const sections: Buffer[] = [Buffer.from([0]), Buffer.from(BSON.serialize(body))];
    for (const [identifier, docs] of Object.entries(options.sequences ?? {})) {
      const payload = Buffer.concat([Buffer.from(`${identifier}\0`), ...docs.map((doc) => Buffer.from(BSON.serialize(doc)))]);
      const size = Buffer.alloc(4);
      size.writeInt32LE(payload.length + 4, 0);
      sections.push(Buffer.from([1]), size, payload);
    }
    const flagBytes = Buffer.alloc(4);
    flagBytes.writeUInt32LE(flags, 0);
    const checksumBytes = flags & CHECKSUM_PRESENT ? 4 : 0;
    const length = 16 + 4 + sections.reduce((sum, part) => sum + part.length, 0) + checksumBytes;
    let message = Buffer.concat([header(length, requestId, OP_MSG), flagBytes, ...sections]);
    if (checksumBytes) {
      const checksum = Buffer.alloc(4);
      checksum.writeUInt32LE((crc32c(message) ^ (options.corruptChecksum ? 1 : 0)) >>> 0, 0);
      message = Buffer.concat([message, checksum]);
    }
    this.socket.write(message);
    return requestId;
  }

  /** The next reply, or null once the server closed the connection. */
  async read(timeoutMs = 5000): Promise<RawReply | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.buffered.length >= 4) {
        const length = this.buffered.readInt32LE(0);
        if (this.buffered.length >= length) {
          const message = this.buffered.subarray(0, length);
          this.buffered = this.buffered.subarray(length);
          return parseReply(message);
        }
      }
      if (this.closed) return null;
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('timed out waiting for a reply');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close() {
    this.socket.destroy();
  }
}

function parseReply(message: Buffer): RawReply {
  const responseTo = message.readInt32LE(8);
  const opCode = message.readInt32LE(12);
  if (opCode === OP_REPLY) {
    const docStart = 16 + 20;
    const size = message.readInt32LE(docStart);
    return { opCode, responseTo, flags: message.readInt32LE(16), doc: BSON.deserialize(message.subarray(docStart, docStart + size)) };
  }
  if (opCode === OP_MSG) {
    const flags = message.readUInt32LE(16);
    if (message[20] !== 0) throw new Error(`unexpected first section kind ${message[20]}`);
    const size = message.readInt32LE(21);
    return { opCode, responseTo, flags, doc: BSON.deserialize(message.subarray(21, 21 + size)) };
  }
  throw new Error(`unexpected reply opcode ${opCode}`);
}
