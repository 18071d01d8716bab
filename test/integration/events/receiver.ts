/**
 * A client's webhook endpoint for tests: an HTTP server on 127.0.0.1 that records every request
 * (raw body and headers) and answers as told — a status, a redirect, or nothing at all.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface Received {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export type Behaviour = { kind: 'status'; status: number; body?: string } | { kind: 'redirect'; location: string } | { kind: 'hang' };

export interface Receiver {
  url: string;
  received: Received[];
  /** How the next requests are answered, in order; the last one repeats. */
  answer(...behaviours: Behaviour[]): void;
  close(): Promise<void>;
}

export async function startReceiver(initial: Behaviour = { kind: 'status', status: 200, body: 'ok' }): Promise<Receiver> {
  const received: Received[] = [];
  let script: Behaviour[] = [initial];
  const sockets = new Set<Socket>();

  const reply = (response: ServerResponse, behaviour: Behaviour) => {
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'redirect') {
      response.writeHead(302, { location: behaviour.location }).end();
      return;
    }
    response.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end(behaviour.body ?? '');
  };

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      const behaviour = script.length > 1 ? script.shift()! : script[0];
      reply(response, behaviour);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    answer: (...behaviours) => { script = behaviours; },
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
