/**
 * MongoDB wire protocol framing: splitting the TCP stream into messages, decoding OP_MSG (body
 * and document-sequence sections, optional CRC-32C trailer) and the legacy OP_QUERY that drivers
 * may still use for the first handshake, and encoding OP_MSG / OP_REPLY answers.
 */
import { deserialize, serialize } from 'bson';
import { crc32c } from './crc32c.mjs';
import { MongoError } from './errors.mjs';

export const OpCode = Object.freeze({ REPLY: 1, QUERY: 2004, COMPRESSED: 2012, MSG: 2013 });

export const MsgFlags = Object.freeze({
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
});
/** Bits 0-15 are "required": a receiver must reject a message with one it does not know. */
const KNOWN_REQUIRED_FLAGS = MsgFlags.checksumPresent | MsgFlags.moreToCome;

export const MAX_MESSAGE_BYTES = 48000000;
const HEADER_BYTES = 16;

/** Values as the driver would see them; int64 beyond 2^53 stays a Long. */
const DESERIALIZE_OPTIONS = { promoteValues: true, promoteLongs: true, promoteBuffers: false, bsonRegExp: false };
const SERIALIZE_OPTIONS = { ignoreUndefined: true, checkKeys: false };

export class ProtocolError extends Error {}

/** Accumulates socket chunks and yields whole messages. */
export class MessageSplitter {
  constructor() {
    this.chunks = [];
    this.buffered = 0;
  }

  push(chunk) {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** @returns {Generator<{requestId: number, responseTo: number, opCode: number, message: Buffer}>} */
  *messages() {
    while (this.buffered >= 4) {
      if (this.chunks[0].length < 4) this.chunks = [Buffer.concat(this.chunks)];
      const length = this.chunks[0].readInt32LE(0);
      if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
        throw new ProtocolError(`invalid message length ${length}`);
      }
      if (this.buffered < length) return;
      const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks);
      const message = all.subarray(0, length);
      const rest = all.subarray(length);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      yield {
        requestId: message.readInt32LE(4),
        responseTo: message.readInt32LE(8),
        opCode: message.readInt32LE(12),
        message,
      };
    }
  }
}

function readCString(buffer, offset) {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

function readDocument(buffer, offset) {
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > buffer.length) throw new ProtocolError('invalid BSON document size');
  return { doc: deserialize(buffer.subarray(offset, offset + size), DESERIALIZE_OPTIONS), next: offset + size };
}

/**
 * Decodes an OP_MSG into its command document, with document sequences (kind 1) merged in
 * under their identifiers, as mongod treats them. Framing faults (bad checksum, unknown section
 * kind or required flag) throw ProtocolError: mongod closes the connection for those. A field
 * present both in the body and as a sequence is a command error mongod answers (`parseError`).
 * @returns {{flags: number, command: object, parseError?: MongoError}}
 */
export function decodeOpMsg(message) {
  const flags = message.readUInt32LE(HEADER_BYTES);
  if (flags & 0xffff & ~KNOWN_REQUIRED_FLAGS) throw new ProtocolError(`unsupported OP_MSG flag bits ${flags.toString(16)}`);
  let end = message.length;
  if (flags & MsgFlags.checksumPresent) {
    end -= 4;
    const expected = message.readUInt32LE(end);
    if (crc32c(message.subarray(0, end)) !== expected) throw new ProtocolError('OP_MSG checksum mismatch');
  }
  let offset = HEADER_BYTES + 4;
  let command;
  const sequences = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      if (command) throw new ProtocolError('OP_MSG with more than one body section');
      const { doc, next } = readDocument(message, offset);
      command = doc;
      offset = next;
    } else if (kind === 1) {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const { value: identifier, next } = readCString(message, offset + 4);
      const docs = [];
      let cursor = next;
      while (cursor < sectionEnd) {
        const read = readDocument(message, cursor);
        docs.push(read.doc);
        cursor = read.next;
      }
      sequences.push([identifier, docs]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${kind}`);
    }
  }
  if (!command) throw new ProtocolError('OP_MSG without a body section');
  for (const [identifier, docs] of sequences) {
    if (identifier in command) {
      return { flags, command, parseError: new MongoError(40433, `Duplicate field between body and document sequence ${identifier}`) };
    }
    command[identifier] = docs;
  }
  return { flags, command };
}

/** @returns {{collection: string, query: object}} */
export function decodeOpQuery(message) {
  const { value: collection, next } = readCString(message, HEADER_BYTES + 4);
  const { doc: query } = readDocument(message, next + 8); // skip numberToSkip, numberToReturn
  return { collection, query };
}

let nextRequestId = 1;

function header(length, responseTo, opCode) {
  const buffer = Buffer.allocUnsafe(HEADER_BYTES);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextRequestId, 4);
  nextRequestId = (nextRequestId + 1) | 0;
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

export function encodeOpMsg(responseTo, doc) {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const prefix = Buffer.alloc(5); // flagBits 0, section kind 0
  return Buffer.concat([header(HEADER_BYTES + 5 + body.length, responseTo, OpCode.MSG), prefix, body]);
}

/** OP_REPLY with responseFlags AwaitCapable (8), as mongod answers a legacy handshake. */
export function encodeOpReply(responseTo, doc) {
  const body = serialize(doc, SERIALIZE_OPTIONS);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(8, 0); // responseFlags
  // cursorID (int64) 0, startingFrom 0
  fields.writeInt32LE(1, 16); // numberReturned
  return Buffer.concat([header(HEADER_BYTES + 20 + body.length, responseTo, OpCode.REPLY), fields, body]);
}
