// The snapshot job_info (Doris BackupJobInfo JSON, doc/doris-protocol.md §4.5): what the
// syncer reads from it and the extra_info it adds before restoring. Parsed and written with
// the bigint-safe JSON helpers so 64-bit ids survive untouched.
import { CcrError } from '../../errors/ccr-error.js';
import { parseJsonBig, stringifyJsonBig, type JsonBigValue } from '../../util/json-big.js';

export interface SnapshotContents {
  /** Source table id → commit seq of the BARRIER logged when it was backed up. */
  tableCommitSeqMap: Map<bigint, bigint>;
  /** Source table id → name, for OLAP tables and views. */
  tableNames: Map<bigint, string>;
  viewIds: bigint[];
}

type JsonObject = { [key: string]: JsonBigValue };

function isObject(v: JsonBigValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function asId(v: JsonBigValue | undefined): bigint | undefined {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
}

export function parseJobInfo(text: string, snapshot: string): JsonObject {
  let raw: JsonBigValue;
  try {
    raw = parseJsonBig(text);
  } catch (err) {
    throw new CcrError('CCR_E0403', `job_info of snapshot ${snapshot} is not valid JSON: ${(err as Error).message}`, {
      category: 'fe',
      disposition: 'retry',
    });
  }
  if (!isObject(raw)) {
    throw new CcrError('CCR_E0403', `job_info of snapshot ${snapshot} is not a JSON object`, { category: 'fe', disposition: 'retry' });
  }
  return raw;
}

export function snapshotContents(info: JsonObject): SnapshotContents {
  const tableCommitSeqMap = new Map<bigint, bigint>();
  const seqs = info.table_commit_seq_map;
  if (isObject(seqs)) {
    for (const [id, seq] of Object.entries(seqs)) {
      const s = asId(seq);
      if (s !== undefined && /^-?\d+$/.test(id)) tableCommitSeqMap.set(BigInt(id), s);
    }
  }
  const tableNames = new Map<bigint, string>();
  const objects = info.backup_objects;
  if (isObject(objects)) {
    for (const [name, obj] of Object.entries(objects)) {
      const id = isObject(obj) ? asId(obj.id) : undefined;
      if (id !== undefined) tableNames.set(id, name);
    }
  }
  const viewIds: bigint[] = [];
  const newObjects = info.new_backup_objects;
  const views = isObject(newObjects) ? newObjects.views : undefined;
  if (Array.isArray(views)) {
    for (const v of views) {
      const id = isObject(v) ? asId(v.id) : undefined;
      if (id !== undefined && isObject(v) && typeof v.name === 'string') {
        tableNames.set(id, v.name);
        viewIds.push(id);
      }
    }
  }
  return { tableCommitSeqMap, tableNames, viewIds };
}

/** job_info with `extra_info` set: where destination BEs download snapshot files from. */
export function withExtraInfo(info: JsonObject, backends: { id: bigint; host: string; httpPort: number }[], token: string): Buffer {
  const beNetworkMap: JsonObject = {};
  for (const be of backends) beNetworkMap[be.id.toString()] = { ip: be.host, port: be.httpPort };
  return Buffer.from(stringifyJsonBig({ ...info, extra_info: { be_network_map: beNetworkMap, token } }));
}
