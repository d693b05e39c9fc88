// One simulated FE's HTTP server (http_port). Stream load is answered as Doris' FE does:
// Basic authentication first (401 otherwise), then a 307 redirect to an alive BE's HTTP port
// (the BE executes the load). Also /api/health and the simulator's admin API
// (POST /api/__sim/faults, GET /api/__sim/state; Basic auth of a cluster user).
import http from 'node:http';
import { DropConnection } from '../../doris/thrift/server.js';
import type { Logger } from '../../observability/logger.js';
import type { SimEnv } from '../env.js';
import { listenHttp, type ListeningHttpServer } from '../http-listen.js';
import { AdminRequestError, applyAdminFault, simState } from './admin-api.js';

export interface FeHttpServerOptions {
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Default 0 (the OS picks). */
  port?: number | undefined;
  log?: Logger | undefined;
}

export type FeHttpServer = ListeningHttpServer;

const STREAM_LOAD = /^\/api\/([^/]+)\/([^/]+)\/_stream_load$/;

function json(res: http.ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  const buf = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8', 'content-length': String(buf.length), ...extra });
  res.end(buf);
}

function basicAuth(req: http.IncomingMessage): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 0 ? undefined : { user: text.slice(0, i), password: text.slice(i + 1) };
}

function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) req.destroy(new Error('request body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the HTTP server of FE `feName` and resolves once it listens. */
export async function startFeHttpServer(env: SimEnv, feName: string, options: FeHttpServerOptions = {}): Promise<FeHttpServer> {
  const log = options.log?.child({ component: 'fe-http', fe: feName });
  let cursor = 0;

  /** RestBaseController's 401 for a missing or wrong Basic authorization. */
  const unauthorized = (res: http.ServerResponse, message: string): void =>
    json(res, 401, JSON.stringify({ msg: 'Unauthorized', code: 401, data: message, count: 0 }), { 'www-authenticate': 'Basic realm=""' });

  const authenticate = (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    const auth = basicAuth(req);
    if (!auth) {
      unauthorized(res, 'Need auth information.');
      return false;
    }
    if (!env.model.system.checkPassword(auth.user, auth.password)) {
      unauthorized(res, `Access denied for user '${auth.user}'@'${req.socket.remoteAddress ?? '%'}' (using password: ${auth.password === '' ? 'NO' : 'YES'})`);
      return false;
    }
    return true;
  };

  const streamLoad = (req: http.IncomingMessage, res: http.ServerResponse, path: string): void => {
    if (!authenticate(req, res)) return;
    const alive = env.model.system.backends().filter((b) => b.alive && !b.decommissioned);
    if (alive.length === 0) {
      json(res, 200, JSON.stringify({ status: 'FAILED', msg: 'No backend alive.' }));
      return;
    }
    const be = alive[cursor++ % alive.length] as (typeof alive)[number];
    const auth = basicAuth(req);
    // Doris puts the caller's credentials into the redirect (RestBaseController.redirectTo),
    // so clients that follow it (curl --location-trusted) authenticate at the BE.
    const userInfo = auth ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : '';
    // new URI("http", userInfo, host, port, path, "", null) ends in "?"; the query follows it.
    const query = new URL(req.url ?? '/', 'http://fe').search.replace(/^\?/, '');
    res.writeHead(307, { location: `http://${userInfo}${be.host}:${be.httpPort}${path}?${query}`, 'content-length': '0', connection: 'close' });
    res.end();
  };

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://fe');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const action = STREAM_LOAD.test(path) && method === 'PUT' ? 'stream_load' : path.startsWith('/api/__sim/') ? 'admin' : path === '/api/health' ? 'health' : undefined;
    if (action === 'stream_load' || action === 'health') {
      const ac = new AbortController();
      res.on('close', () => ac.abort());
      const injected = await env.faults.intercept('fe_http', action, feName, ac.signal);
      if (injected) {
        json(res, 500, JSON.stringify({ msg: injected.error_msgs?.[0] ?? 'injected fault', code: 1, data: null, count: 0 }));
        return;
      }
    }
    if (action === 'stream_load') {
      streamLoad(req, res, path);
      return;
    }
    if (action === 'health' && method === 'GET') {
      const all = env.model.system.backends();
      const online = all.filter((b) => b.alive).length;
      json(res, 200, JSON.stringify({ msg: 'success', code: 0, data: { online_backend_num: online, total_backend_num: all.length }, count: 0 }));
      return;
    }
    if (action === 'admin') {
      if (!authenticate(req, res)) return;
      if (path === '/api/__sim/state' && method === 'GET') {
        json(res, 200, simState(env, { txnCalls: url.searchParams.get('txn_calls') === 'true' }));
        return;
      }
      if (path === '/api/__sim/faults' && method === 'POST') {
        let body: unknown;
        try {
          body = JSON.parse((await readBody(req, 1 << 20)).toString('utf8')) as unknown;
        } catch {
          json(res, 400, JSON.stringify({ ok: false, error: 'the body must be JSON' }));
          return;
        }
        try {
          const state = await applyAdminFault(env, body);
          json(res, 200, JSON.stringify({ ok: true, state }));
        } catch (err) {
          if (!(err instanceof AdminRequestError)) throw err;
          json(res, 400, JSON.stringify({ ok: false, error: err.message }));
        }
        return;
      }
    }
    json(res, 404, JSON.stringify({ msg: 'Not Found', code: 404, data: null, count: 0 }));
  };

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handle(req, res).catch((err: unknown) => {
      if (err instanceof DropConnection) {
        req.socket.destroy();
        return;
      }
      log?.error({ err }, 'fe http handler failed');
      if (!res.headersSent) json(res, 500, JSON.stringify({ msg: 'internal error', code: 500, data: null, count: 0 }));
      else res.destroy();
    });
  };
  const server = http.createServer(onRequest);
  // Expect: 100-continue: a stream load is redirected before its body is sent, as Doris does;
  // everything else continues normally.
  server.on('checkContinue', (req, res) => {
    if (!STREAM_LOAD.test(new URL(req.url ?? '/', 'http://fe').pathname)) res.writeContinue();
    onRequest(req, res);
  });
  return listenHttp(server, options);
}
