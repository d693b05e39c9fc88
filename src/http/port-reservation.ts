// With --port 0 the OS picks the HTTP port, but the syncer's identity (host:port: jobs.belong_to,
// the registry key, the target of 303 redirects) is needed before the HTTP server starts.
// The port is therefore bound first by a placeholder listener and held until the server
// takes it over, so the identity names the port actually served.
import net from 'node:net';

export interface PortReservation {
  /** The port the HTTP server must listen on. */
  readonly port: number;
  /** Frees the port for the HTTP server (call right before it listens). Idempotent. */
  release(): Promise<void>;
}

/**
 * A fixed port is returned as it is (the HTTP server reports a conflict when it listens);
 * port 0 is bound on `host` and held until release().
 */
export async function reservePort(host: string, port: number): Promise<PortReservation> {
  if (port !== 0) return { port, release: () => Promise.resolve() };
  const holder = net.createServer();
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen({ host, port: 0, exclusive: true }, () => {
      holder.off('error', reject);
      resolve();
    });
  });
  const address = holder.address();
  const bound = typeof address === 'object' && address !== null ? address.port : 0;
  let released: Promise<void> | undefined;
  return {
    port: bound,
    release() {
      released ??= new Promise<void>((resolve) => holder.close(() => resolve()));
      return released;
    },
  };
}
