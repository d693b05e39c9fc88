// Doris stream load as the BE executes it (http/action/stream_load.cpp): Basic authentication
// checked by the FE at transaction begin, the load headers (label, format csv|json,
// column_separator, line_delimiter, columns, strip_outer_array, read_json_by_line,
// max_filter_ratio, partitions), one transaction through the cluster model (an UPSERT binlog
// once visible) and the JSON reply with Doris' keys. The reply is always HTTP 200; Status
// says Success, Fail, Label Already Exists or Publish Timeout.
import { StatusCode } from '../../doris/types.js';
import type { SimEnv } from '../env.js';
import { DorisError } from '../model/errors.js';
import type { Value } from '../model/value.js';

export interface StreamLoadRequest {
  db: string;
  table: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The BE executing the load (its host:http port goes into ErrorURL). */
  backendId: bigint;
}

export type StreamLoadReply = Record<string, string | number>;

function header(req: StreamLoadRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Decodes a separator header: Doris accepts "\x01"-style hex as well as plain text. */
export function decodeSeparator(raw: string | undefined, dflt: string): string {
  if (raw === undefined || raw === '') return dflt;
  if (/^\\x([0-9a-fA-F]{2})+$/.test(raw)) return Buffer.from(raw.slice(2).replace(/\\x/g, ''), 'hex').toString('latin1');
  if (raw === '\\t') return '\t';
  if (raw === '\\n') return '\n';
  return raw;
}

function basicAuth(req: StreamLoadRequest): { user: string; password: string } | undefined {
  const h = header(req, 'authorization');
  const m = h ? /^Basic\s+(\S+)$/i.exec(h) : null;
  if (!m) return undefined;
  const text = Buffer.from(m[1] as string, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { user: text.slice(0, i), password: text.slice(i + 1) };
}

class LoadInputError extends Error {}

function parseCsv(body: string, sep: string, lineDelim: string): Value[][] {
  const lines = body.split(lineDelim);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows: Value[][] = new Array<Value[]>(lines.length);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] as string;
    if (lineDelim === '\n' && line.endsWith('\r')) line = line.slice(0, -1);
    const cells = line.split(sep);
    const row: Value[] = new Array<Value>(cells.length);
    for (let c = 0; c < cells.length; c++) {
      const cell = cells[c] as string;
      row[c] = cell === '\\N' ? null : cell;
    }
    rows[i] = row;
  }
  return rows;
}

function jsonValue(v: unknown): Value {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return JSON.stringify(v);
}

function parseJson(body: string, columns: string[], stripOuterArray: boolean, byLine: boolean): Value[][] {
  let objects: unknown[];
  try {
    if (byLine) objects = body.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as unknown);
    else {
      const doc = JSON.parse(body) as unknown;
      if (Array.isArray(doc)) {
        if (!stripOuterArray) throw new LoadInputError('JSON data is array-object, `strip_outer_array` must be TRUE.');
        objects = doc;
      } else {
        objects = [doc];
      }
    }
  } catch (err) {
    if (err instanceof LoadInputError) throw err;
    throw new LoadInputError(`Parse json data for JsonDoc failed. code: 3, error info: ${(err as Error).message}`);
  }
  const lower = columns.map((c) => c.toLowerCase());
  return objects.map((o) => {
    const obj = (o !== null && typeof o === 'object' ? o : {}) as Record<string, unknown>;
    const byName = new Map(Object.entries(obj).map(([k, v]) => [k.toLowerCase(), v]));
    return lower.map((c) => jsonValue(byName.get(c)));
  });
}

/** Runs one stream load; never throws for load errors (they are in the reply). */
export function executeStreamLoad(env: SimEnv, req: StreamLoadRequest): StreamLoadReply {
  const started = Date.now();
  const label = header(req, 'label') ?? `stream_load_${started.toString(16)}_${env.model.state.nextId.toString(16)}`;
  const reply: StreamLoadReply = {
    TxnId: -1,
    Label: label,
    Comment: '',
    TwoPhaseCommit: 'false',
    Status: 'Fail',
    Message: '',
    NumberTotalRows: 0,
    NumberLoadedRows: 0,
    NumberFilteredRows: 0,
    NumberUnselectedRows: 0,
    LoadBytes: req.body.length,
    LoadTimeMs: 0,
    BeginTxnTimeMs: 0,
    StreamLoadPutTimeMs: 0,
    ReadDataTimeMs: 0,
    WriteDataTimeMs: 0,
    ReceiveDataTimeMs: 0,
    CommitAndPublishTimeMs: 0,
  };
  const fail = (message: string): StreamLoadReply => {
    reply['Status'] = 'Fail';
    reply['Message'] = message;
    reply['LoadTimeMs'] = Date.now() - started;
    return reply;
  };
  const auth = basicAuth(req);
  if (!auth) return fail('no valid Basic authorization');
  if (!env.model.system.checkPassword(auth.user, auth.password)) {
    return fail(`errCode = 2, detailMessage = Access denied for user '${auth.user}'@'${env.config.host}' (using password: ${auth.password === '' ? 'NO' : 'YES'})`);
  }
  const table = env.model.catalog.table(req.db, req.table);
  if (!env.model.catalog.database(req.db)) return fail(`errCode = 2, detailMessage = Unknown database '${req.db}'`);
  if (table?.kind !== 'OLAP') return fail(`errCode = 2, detailMessage = Unknown table '${req.table}'`);
  const format = (header(req, 'format') ?? 'csv').toLowerCase();
  const columnsHeader = header(req, 'columns');
  const columns = columnsHeader ? columnsHeader.split(',').map((c) => c.trim().replace(/^`|`$/g, '')).filter((c) => c !== '') : table.columns.map((c) => c.name);
  if (columns.some((c) => c.includes('='))) return fail('column mapping expressions are not supported by the simulator');
  const ratioText = header(req, 'max_filter_ratio');
  const maxFilterRatio = ratioText === undefined ? 0 : Number(ratioText);
  if (!Number.isFinite(maxFilterRatio) || maxFilterRatio < 0 || maxFilterRatio > 1) return fail(`Invalid max_filter_ratio: ${ratioText ?? ''}`);
  let rows: Value[][];
  const text = req.body.toString('utf8');
  try {
    if (format === 'csv' || format === 'csv_with_names' || format === 'csv_with_names_and_types') {
      rows = parseCsv(text, decodeSeparator(header(req, 'column_separator'), '\t'), decodeSeparator(header(req, 'line_delimiter'), '\n'));
      if (format !== 'csv') rows = rows.slice(format === 'csv_with_names' ? 1 : 2);
    } else if (format === 'json') {
      rows = parseJson(text, columns, header(req, 'strip_outer_array') === 'true', header(req, 'read_json_by_line') === 'true');
    } else {
      return fail(`unknown data format, format=${format}`);
    }
  } catch (err) {
    if (err instanceof LoadInputError) return fail(err.message);
    throw err;
  }
  // Rows whose column count does not match are filtered, as the CSV reader does.
  const total = rows.length;
  const fitting = format === 'json' ? rows : rows.filter((r) => r.length === columns.length);
  const badShape = total - fitting.length;
  reply['NumberTotalRows'] = total;
  if (total > 0 && badShape / total > maxFilterRatio) return fail('[DATA_QUALITY_ERROR]too many filtered rows');
  const partitionsHeader = header(req, 'partitions') ?? header(req, 'temporary_partitions');
  try {
    const r = env.model.loads.load(
      req.db,
      req.table,
      { kind: 'rows', columns, rows: fitting },
      {
        label,
        sourceType: 'BACKEND_STREAMING',
        coordinator: `BE: ${env.config.host}`,
        partitions: partitionsHeader ? partitionsHeader.split(',').map((p) => p.trim()) : undefined,
        temporaryPartitions: header(req, 'temporary_partitions') !== undefined,
        // The model filters rows that do not fit the schema; its allowance is what the
        // wrongly shaped rows left of max_filter_ratio.
        maxFilterRatio: fitting.length === 0 ? 1 : (maxFilterRatio * total - badShape) / fitting.length,
      },
    );
    const filtered = r.filteredRows + badShape;
    reply['TxnId'] = Number(r.txnId);
    reply['NumberLoadedRows'] = r.loadedRows;
    reply['NumberFilteredRows'] = filtered;
    if (filtered > 0) {
      const be = env.model.system.backend(req.backendId);
      reply['ErrorURL'] = `http://${be?.host ?? env.config.host}:${be?.httpPort ?? 0}/api/_load_error_log?file=__shard_0/error_log_insert_stmt_${label}`;
    }
    if (r.status === 'COMMITTED') {
      reply['Status'] = 'Publish Timeout';
      reply['Message'] = 'transaction commit successfully, BUT data will be visible later';
    } else {
      reply['Status'] = 'Success';
      reply['Message'] = 'OK';
    }
    reply['LoadTimeMs'] = Date.now() - started;
    return reply;
  } catch (err) {
    if (!(err instanceof DorisError)) throw err;
    if (err.status === StatusCode.LABEL_ALREADY_EXISTS) {
      reply['Status'] = 'Label Already Exists';
      reply['Message'] = err.message;
      reply['ExistingJobStatus'] = err.jobStatus ?? 'FINISHED';
      reply['LoadTimeMs'] = Date.now() - started;
      return reply;
    }
    if (/too many filtered/.test(err.detail)) return fail('[DATA_QUALITY_ERROR]too many filtered rows');
    return fail(err.message);
  }
}
