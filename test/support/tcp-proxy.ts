/**
 * A TCP relay in front of a server, so a test can take that server away from the processes using
 * it — every open connection reset, new ones refused — and bring it back on the same address with
 * its data intact: what a network partition or a database restart with durable storage looks
 * like to a client.
 */
import { createServer, Socket, type Server } from 'node:net';
import { freePort } from './free-port.js';

export interface TcpProxy {
  port: number;
  /** Resets every connection and refuses new ones until `restore`. */
  interrupt(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;

  const listen = () => new Promise<void>((resolve, reject) => {
    const next = createServer((client) => {
      const upstream = new Socket();
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => { client.destroy(); upstream.destroy(); });
      }
      upstream.connect(target.port, target.host);
      client.pipe(upstream).pipe(client);
    });
    next.once('error', reject);
    next.listen(port, '127.0.0.1', () => { server = next; resolve(); });
  });

  const stop = async () => {
    const closing = server;
    server = undefined;
    for (const socket of sockets) socket.resetAndDestroy();
    sockets.clear();
    if (closing) await new Promise<void>((resolve) => closing.close(() => resolve()));
  };

  await listen();
  return { port, interrupt: stop, restore: listen, close: stop };
}
