// Listening and closing for the simulator's HTTP servers (FE and BE): garbage on the port gets
// a 400 and a closed connection, never a crash, and close() also ends keep-alive connections.
import type http from 'node:http';
import type { Socket } from 'node:net';

export interface ListeningHttpServer {
  port: number;
  /** Stops accepting, destroys open connections; resolves once closed. Idempotent. */
  close(): Promise<void>;
}

export async function listenHttp(server: http.Server, options: { host?: string | undefined; port?: number | undefined }): Promise<ListeningHttpServer> {
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let closing: Promise<void> | undefined;
  return {
    port,
    close(): Promise<void> {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      return closing;
    },
  };
}
