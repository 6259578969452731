// The listening socket. It peeks at the first byte of each connection: a TLS handshake (0x16)
// goes to the HTTPS server; anything else (plain HTTP) gets a 400 naming the problem and is
// closed, so a plain-HTTP request never reaches a route or any data.
import { createServer, type Server, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { errorCatalogue } from '../errors/catalogue.js';

const tlsHandshake = 0x16;

function refusePlainHttp(socket: Socket): void {
  const entry = errorCatalogue.HTTPS_REQUIRED;
  const body = JSON.stringify(entry.body);
  socket.end(
    `HTTP/1.1 ${entry.status} Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

export interface Listening {
  readonly port: number;
  readonly host: string;
  /** Stops accepting, lets in-flight requests finish (up to graceMs), then closes everything. */
  close(graceMs?: number): Promise<void>;
}

export async function listenTls(app: FastifyInstance, host: string, port: number): Promise<Listening> {
  await app.ready();
  const tlsServer = app.server;
  const sockets = new Set<Socket>();
  const front: Server = createServer({ pauseOnConnect: false }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const route = (): void => {
      const first = socket.read(1) as Buffer | null;
      if (first === null) {
        socket.once('readable', route);
        return;
      }
      socket.unshift(first);
      // The TLS socket takes over the handle and replays the buffered bytes itself.
      if (first[0] === tlsHandshake) tlsServer.emit('connection', socket);
      else refusePlainHttp(socket);
    };
    socket.once('readable', route);
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    front.once('error', reject);
    front.listen(port, host, () => resolve());
  });
  const address = front.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    host,
    port: actualPort,
    async close(graceMs = 10_000) {
      front.close();
      // Keep-alive connections are closed as soon as they are idle; a connection with a request
      // in flight becomes idle when its response is sent. After graceMs the rest are cut.
      const server = tlsServer as unknown as { closeIdleConnections(): void };
      const deadline = Date.now() + graceMs;
      while (sockets.size > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      sockets.forEach((s) => s.destroy());
      await app.close();
    },
  };
}
