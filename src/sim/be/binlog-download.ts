// The destination BE's side of ingest_binlog (service/backend_service.cpp, steps 3–5): fetch
// one rowset of a source tablet from the source BE's /api/_binlog/_download action —
// get_binlog_info ("<rowset id>:<segments>"), get_rowset_meta, then per segment a HEAD for
// the size and a GET with acquire_md5 (length and MD5 checked) — and decode it.
import { createHash } from 'node:crypto';
import { StatusCode } from '../../doris/types.js';
import type { RowsetData } from '../model/storage-service.js';
import { httpWithRetry, HttpTransportError, redact, type HttpReply } from './http-fetch.js';
import { decodeSegment, type RowsetMetaJson } from './rowset-codec.js';

/** A failed download, with the status the BE reports for it. */
export class BinlogDownloadError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'BinlogDownloadError';
  }
}

export interface BinlogSource {
  host: string;
  /** The source BE's HTTP port, as ingest_binlog's remote_port string. */
  port: string;
  tabletId: bigint;
  version: bigint;
}

/** HttpClient::execute with CURLOPT_FAILONERROR: an HTTP status >= 400 is an HTTP_ERROR. */
async function call(method: 'GET' | 'HEAD', url: string, what: string, signal: AbortSignal): Promise<HttpReply> {
  let reply: HttpReply;
  try {
    reply = await httpWithRetry(method, url, signal);
  } catch (err) {
    if (err instanceof HttpTransportError) {
      throw new BinlogDownloadError(`failed to ${what} from ${redact(url)}, status=[HTTP_ERROR]${err.message}`, StatusCode.HTTP_ERROR);
    }
    throw err;
  }
  if (reply.status >= 400) {
    const body = method === 'HEAD' ? '' : `, ${reply.body.toString('utf8').slice(0, 200)}`;
    throw new BinlogDownloadError(
      `failed to ${what} from ${redact(url)}, status=[HTTP_ERROR]The requested URL returned error: ${reply.status}${body}`,
      StatusCode.HTTP_ERROR,
    );
  }
  return reply;
}

/** Downloads the rowset the source tablet published at `version`. */
export async function downloadBinlogRowset(src: BinlogSource, signal: AbortSignal): Promise<RowsetData[]> {
  const api = `http://${src.host}:${src.port}/api/_binlog/_download`;
  const infoUrl = `${api}?method=get_binlog_info&tablet_id=${src.tabletId}&binlog_version=${src.version}`;
  const info = (await call('GET', infoUrl, 'get binlog info', signal)).body.toString('utf8');
  const [rowsetId, segmentsText] = info.split(':');
  const segments = Number(segmentsText);
  if (!rowsetId || !Number.isInteger(segments) || segments < 0) {
    throw new BinlogDownloadError(`invalid binlog info: ${info.slice(0, 100)}`, StatusCode.INTERNAL_ERROR);
  }
  const metaUrl = `${api}?method=get_rowset_meta&tablet_id=${src.tabletId}&rowset_id=${rowsetId}&binlog_version=${src.version}`;
  const metaBody = (await call('GET', metaUrl, 'get rowset meta', signal)).body;
  let meta: RowsetMetaJson;
  try {
    meta = JSON.parse(metaBody.toString('utf8')) as RowsetMetaJson;
  } catch {
    throw new BinlogDownloadError('failed to parse rowset meta', StatusCode.INTERNAL_ERROR);
  }
  if (meta.rowset_id !== rowsetId) throw new BinlogDownloadError('failed to init rowset meta', StatusCode.INTERNAL_ERROR);
  const out: RowsetData[] = [];
  for (let i = 0; i < segments; i++) {
    const segUrl = `${api}?method=get_segment_file&tablet_id=${src.tabletId}&rowset_id=${rowsetId}&segment_index=${i}`;
    const head = await call('HEAD', segUrl, 'get segment file size', signal);
    const size = Number(head.headers['content-length'] ?? NaN);
    const got = await call('GET', `${segUrl}&acquire_md5=true`, 'get segment file', signal);
    if (got.body.length !== size) throw new BinlogDownloadError('downloaded file size is not equal', StatusCode.INTERNAL_ERROR);
    const md5 = got.headers['content-md5'];
    if (typeof md5 === 'string' && md5 !== createHash('md5').update(got.body).digest('hex')) {
      throw new BinlogDownloadError(`download file ${redact(segUrl)} md5 is not equal`, StatusCode.INTERNAL_ERROR);
    }
    try {
      out.push(decodeSegment(got.body));
    } catch (err) {
      throw new BinlogDownloadError(`failed to create rowset from rowset meta for remote tablet: ${(err as Error).message}`, StatusCode.INTERNAL_ERROR);
    }
  }
  return out;
}
