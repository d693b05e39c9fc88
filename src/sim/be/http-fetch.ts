// A minimal HTTP client for BE-to-BE downloads (ingest_binlog, restore), over node:http with
// a keep-alive agent. Doris' BEs use libcurl the same way: GET/HEAD with a timeout, a few
// retries one second apart (we wait less), and no redirects.
import http from 'node:http';
import { sleep } from '../../util/abort.js';

export interface HttpReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** Thrown when the request itself failed (connection refused/reset, timeout). */
export class HttpTransportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpTransportError';
  }
}

/** One request; rejects with HttpTransportError on transport failure, resolves on any reply. */
export function httpRequest(method: 'GET' | 'HEAD', url: string, signal: AbortSignal, timeoutMs = 30_000): Promise<HttpReply> {
  return new Promise<HttpReply>((resolve, reject) => {
    const req = http.request(url, { method, agent, signal, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', (err) => reject(new HttpTransportError(err.message)));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', (err) => reject(signal.aborted ? err : new HttpTransportError(`${method} ${redact(url)} failed: ${err.message}`)));
    req.end();
  });
}

/** HttpClient::execute_with_retry: up to `attempts` tries while the transport fails. */
export async function httpWithRetry(method: 'GET' | 'HEAD', url: string, signal: AbortSignal, attempts = 3): Promise<HttpReply> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await httpRequest(method, url, signal);
    } catch (err) {
      if (!(err instanceof HttpTransportError)) throw err;
      last = err;
      if (i + 1 < attempts) await sleep(50, signal);
    }
  }
  throw last instanceof Error ? last : new HttpTransportError(String(last));
}

/** The URL without its token parameter, for messages. */
export function redact(url: string): string {
  return url.replace(/([?&]token=)[^&]*/, '$1******');
}
