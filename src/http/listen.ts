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

/**
 * `idleMs`: a connection that moves no bytes either way for this long is closed, whatever state
 * it is in (never sent a byte, stalled in the TLS handshake, headers or body, or idle between
 * keep-alive requests): without it such connections were never closed, and enough of them
 * exhaust the process's file descriptors.
 */
export interface ConnectionLimits {
  /** Close a connection that moved no bytes for this long. */
  readonly idleMs: number;
  /** Open connections in all; at the limit a new one evicts the one quiet for longest. */
  readonly maxConnections: number;
  /** Open connections from one client address; past it a new one is closed at once. */
  readonly maxPerAddress: number;
}

const defaultLimits: ConnectionLimits = { idleMs: 30_000, maxConnections: 10_000, maxPerAddress: 500 };

/**
 * Connection limits: one client address can hold at most `maxPerAddress` connections, and when
 * all `maxConnections` are taken a new client still gets in by evicting the connection that has
 * been quiet longest, so thousands of idle connections cannot lock everyone else out.
 */
export async function listenTls(app: FastifyInstance, host: string, port: number, limits: Partial<ConnectionLimits> = {}): Promise<Listening> {
  const { idleMs, maxConnections, maxPerAddress } = { ...defaultLimits, ...limits };
  await app.ready();
  const tlsServer = app.server;
  const sockets = new Set<Socket>();
  const perAddress = new Map<string, number>();
  /** Last time each connection moved bytes (and how many it had moved then). */
  const seen = new Map<Socket, { bytes: number; at: number }>();
  const front: Server = createServer({ pauseOnConnect: false }, (socket) => {
    const address = socket.remoteAddress ?? '';
    const held = perAddress.get(address) ?? 0;
    if (held >= maxPerAddress) {
      socket.destroy();
      return;
    }
    if (sockets.size >= maxConnections) {
      let quietest: Socket | null = null;
      let since = Infinity;
      for (const s of sockets) {
        const at = seen.get(s)?.at ?? 0;
        if (at < since) { since = at; quietest = s; }
      }
      quietest?.destroy();
    }
    sockets.add(socket);
    perAddress.set(address, held + 1);
    seen.set(socket, { bytes: 0, at: Date.now() });
    socket.once('close', () => {
      sockets.delete(socket);
      seen.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
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
  // The HTTPS server never listens itself (the front socket hands it connections), so its own
  // periodic check of headers and request timeouts, which starts on 'listening', starts here.
  tlsServer.emit('listening');
  // The idle watchdog: the raw socket's byte counters tell whether a connection moved anything,
  // whatever state the TLS and HTTP layers above it are in (never sent a byte, stalled in the
  // handshake or the headers, idle between keep-alive requests): one rule for all of them.
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const socket of sockets) {
      const bytes = socket.bytesRead + socket.bytesWritten;
      const last = seen.get(socket);
      if (!last || last.bytes !== bytes) seen.set(socket, { bytes, at: now });
      else if (now - last.at >= idleMs) socket.destroy();
    }
  }, Math.max(50, Math.min(1000, Math.floor(idleMs / 4))));
  watchdog.unref();
  // Requests being answered: close() waits for these, not for idle keep-alive connections.
  let inFlight = 0;
  tlsServer.on('request', (_request: unknown, response: { once(event: 'close', f: () => void): void }) => {
    inFlight++;
    response.once('close', () => inFlight--);
  });
  const address = front.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    host,
    port: actualPort,
    async close(graceMs = 10_000) {
      front.close();
      // Requests in flight finish (up to graceMs); then every connection is closed, idle
      // keep-alive ones at once (a client holding one open must not delay the stop: it took 4 s,
      // the client's keep-alive time, when only the HTTP layer's idle check was relied on).
      const server = tlsServer as unknown as { closeIdleConnections(): void };
      const deadline = Date.now() + graceMs;
      while (inFlight > 0 && Date.now() < deadline) {
        server.closeIdleConnections();
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      server.closeIdleConnections();
      sockets.forEach((s) => s.destroy());
      clearInterval(watchdog);
      await app.close();
    },
  };
}
