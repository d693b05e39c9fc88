// One simulated BE's HTTP server (webserver_port): the download actions other BEs pull data
// from (/api/_binlog/_download for ingest_binlog, /api/_tablet/_download for restores),
// /api/show_config, /api/health, and stream load (PUT /api/{db}/{table}/_stream_load, which
// an FE redirects here). Every action consults the fault registry (service "be_http").
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { Logger } from '../../observability/logger.js';
import { DropConnection } from '../../doris/thrift/server.js';
import type { SimEnv } from '../env.js';
import { listenHttp, type ListeningHttpServer } from '../http-listen.js';
import type { ReplicaState, Rowset } from '../model/state.js';
import { rowsetData } from '../model/storage-service.js';
import { replicaRowsetById } from '../model/storage.js';
import { encodeSegment, type RowsetMetaJson } from './rowset-codec.js';
import { executeStreamLoad } from './stream-load.js';

export interface BeHttpServerOptions {
  /** Default 127.0.0.1. */
  host?: string | undefined;
  /** Default 0 (the OS picks). */
  port?: number | undefined;
  log?: Logger | undefined;
}

export type BeHttpServer = ListeningHttpServer;

interface Reply {
  status: number;
  body: Buffer | string;
  headers?: Record<string, string>;
}

const text = (status: number, body: string): Reply => ({ status, body, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** Doris BE config types for /api/show_config (config.cpp DEFINE_* kinds). */
const CONFIG_TYPES: Record<string, [string, boolean]> = {
  enable_feature_binlog: ['bool', false],
  ingest_binlog_work_pool_size: ['int32_t', false],
  download_binlog_rate_limit_kbs: ['int64_t', true],
};

/** Starts a BE HTTP server for backend `backendId` and resolves once it listens. */
export async function startBeHttpServer(env: SimEnv, backendId: bigint, options: BeHttpServerOptions = {}): Promise<BeHttpServer> {
  const log = options.log?.child({ component: 'be-http', backend: backendId.toString() });
  const node = String(backendId);

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://be');
    const action = actionOf(req.method ?? 'GET', url.pathname);
    if (!action) {
      req.resume();
      send(res, text(404, 'Not Found'));
      return;
    }
    const ac = new AbortController();
    res.on('close', () => ac.abort());
    try {
      const injected = await env.faults.intercept('be_http', action, node, ac.signal);
      if (injected) {
        req.resume();
        send(res, text(500, injected.error_msgs?.[0] ?? 'injected fault'));
        return;
      }
    } catch (err) {
      if (err instanceof DropConnection) {
        req.socket.destroy();
        return;
      }
      throw err;
    }
    switch (action) {
      case 'stream_load': {
        const body = await readBody(req);
        const m = /^\/api\/([^/]+)\/([^/]+)\/_stream_load$/.exec(url.pathname);
        const reply = executeStreamLoad(env, {
          db: decodeURIComponent(m?.[1] ?? ''),
          table: decodeURIComponent(m?.[2] ?? ''),
          headers: req.headers,
          body,
          backendId,
        });
        send(res, { status: 200, body: JSON.stringify(reply, null, 4), headers: { 'content-type': 'application/json; charset=utf-8' } });
        return;
      }
      case 'download_binlog':
        req.resume();
        send(res, binlogDownload(env, backendId, url), req.method === 'HEAD');
        return;
      case 'download_tablet':
        req.resume();
        send(res, tabletDownload(env, backendId, url), req.method === 'HEAD');
        return;
      case 'show_config':
        req.resume();
        send(res, showConfig(env, url.searchParams.get('conf_item')));
        return;
      case 'health':
        req.resume();
        send(res, { status: 200, body: '{"status": "OK","msg": "To Be Added"}', headers: { 'content-type': 'application/json' } });
        return;
    }
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log?.error({ err }, 'be http handler failed');
      if (!res.headersSent) send(res, text(500, 'internal error'));
      else res.destroy();
    });
  });
  return listenHttp(server, options);
}

function actionOf(method: string, path: string): string | undefined {
  if (path === '/api/_binlog/_download' && (method === 'GET' || method === 'HEAD')) return 'download_binlog';
  if (path === '/api/_tablet/_download' && (method === 'GET' || method === 'HEAD')) return 'download_tablet';
  if (path === '/api/show_config' && method === 'GET') return 'show_config';
  if (path === '/api/health' && method === 'GET') return 'health';
  if (/^\/api\/[^/]+\/[^/]+\/_stream_load$/.test(path) && method === 'PUT') return 'stream_load';
  return undefined;
}

function send(res: http.ServerResponse, reply: Reply, headOnly = false): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body, 'utf8') : reply.body;
  res.writeHead(reply.status, { ...reply.headers, 'content-length': String(body.length) });
  res.end(headOnly ? undefined : body);
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function fileReply(data: Buffer, withMd5: boolean): Reply {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
  if (withMd5) headers['content-md5'] = createHash('md5').update(data).digest('hex');
  return { status: 200, body: data, headers };
}

/** DownloadBinlogAction: get_binlog_info, get_rowset_meta, get_segment_file. */
function binlogDownload(env: SimEnv, backendId: bigint, url: URL): Reply {
  if (env.model.system.beConfig('enable_feature_binlog') !== 'true') return text(500, 'binlog feature is not enabled.');
  const method = url.searchParams.get('method') ?? '';
  const param = (name: string): string => {
    const v = url.searchParams.get(name);
    if (v === null || v === '') throw new ParamError(`parameter ${name} not specified in url.`);
    return v;
  };
  try {
    switch (method) {
      case 'get_binlog_info': {
        const version = param('binlog_version');
        const rs = findBinlogRowset(env, backendId, param('tablet_id'), version);
        if (!rs) return text(404, `get binlog info failed, binlog_version=${version}`);
        return text(200, `${rs.rowset.id}:1`);
      }
      case 'get_rowset_meta': {
        const tabletId = param('tablet_id');
        const rowsetId = param('rowset_id');
        const found = findBinlogRowset(env, backendId, tabletId, param('binlog_version'));
        if (!found || found.rowset.id !== rowsetId) return text(404, `get rowset meta failed, rowset_id=${rowsetId}`);
        const meta: RowsetMetaJson = {
          rowset_id: found.rowset.id,
          tablet_id: tabletId,
          start_version: found.rowset.startVersion.toString(),
          end_version: found.rowset.version.toString(),
          num_segments: 1,
          num_rows: found.rowset.rows.length,
          txn_id: found.rowset.txnId.toString(),
        };
        return text(200, JSON.stringify(meta));
      }
      case 'get_segment_file': {
        const replica = requireReplica(env, backendId, param('tablet_id'));
        const rowsetId = param('rowset_id');
        const index = param('segment_index');
        const rs = replicaRowsetById(replica, rowsetId);
        if (!rs || index !== '0') return text(404, 'file not exist.');
        return fileReply(encodeSegment(rowsetData(rs)), url.searchParams.get('acquire_md5') === 'true');
      }
      default:
        return text(501, `invalid method: ${method}`);
    }
  } catch (err) {
    if (err instanceof ParamError) return text(500, err.message);
    throw err;
  }
}

class ParamError extends Error {}

/** This BE's replica of a tablet ("tablet is not exist" when it holds none). */
function requireReplica(env: SimEnv, backendId: bigint, idText: string): ReplicaState {
  const id = /^-?\d+$/.test(idText) ? BigInt(idText) : 0n;
  const replica = env.model.storage.tablet(id)?.replicas.find((r) => r.backendId === backendId);
  if (!replica) throw new ParamError(`tablet is not exist, tablet_id=${id}`);
  return replica;
}

/** The rowset this BE's replica published at `version` (its binlog), if it still has it. */
function findBinlogRowset(env: SimEnv, backendId: bigint, tabletText: string, versionText: string): { rowset: Rowset } | undefined {
  requireReplica(env, backendId, tabletText);
  if (!/^\d+$/.test(versionText)) return undefined;
  const rs = env.model.storage.getBinlogRowset(BigInt(tabletText), backendId, BigInt(versionText));
  return rs ? { rowset: rs } : undefined;
}

/** DownloadAction (NORMAL): token check, then a directory listing or a file. */
function tabletDownload(env: SimEnv, backendId: bigint, url: URL): Reply {
  const file = url.searchParams.get('file') ?? '';
  if (file === '') return text(200, 'parameter file not specified in url.');
  const token = url.searchParams.get('token') ?? '';
  // Doris replies 200 with the error text (HttpChannel::send_reply's default status).
  if (token === '') return text(200, '[INTERNAL_ERROR]token is not specified.');
  if (token !== env.model.system.token()) return text(200, '[INTERNAL_ERROR]invalid token.');
  const path = file.replace(/\/+$/, '');
  const names = env.snapshots.list(backendId, path);
  if (names) return text(200, names.map((n) => `${n}\n`).join(''));
  const stored = env.snapshots.read(backendId, path);
  if (!stored) return text(200, `[NOT_FOUND]file path is not allowed: ${path}`);
  const reply = fileReply(stored.data, url.searchParams.get('acquire_md5') === 'true');
  return reply;
}

/** ConfigAction: [["name","type","value","mutable"], …], optionally one item. */
function showConfig(env: SimEnv, item: string | null): Reply {
  const rows = env.model.system
    .beConfigEntries()
    .filter(([k]) => item === null || item === '' || k === item)
    .map(([k, v]) => {
      const [type, mutable] = CONFIG_TYPES[k] ?? [/^-?\d+$/.test(v) ? 'int64_t' : v === 'true' || v === 'false' ? 'bool' : 'std::string', true];
      return [k, type, v, String(mutable)];
    });
  return { status: 200, body: JSON.stringify(rows), headers: { 'content-type': 'application/json' } };
}
