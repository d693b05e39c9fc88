// The snapshot's `job_info`: the JSON of backup/BackupJobInfo.java, written like Doris' Gson
// (declared keys in declaration order, Map<Long, …> keys as decimal strings, 64-bit numbers
// exact, absent fields omitted) and read back, leniently as Gson does, by a restore job.
import { gsonJson, longKeyMap } from '../model/gson.js';
import { parseJsonBig, toBigInt, type JsonBigValue } from '../../util/json-big.js';

/** FeConstants.meta_version and the build version the simulated FE reports. */
export const META_VERSION = 135;
export const BUILD_VERSION = { major: 2, minor: 1, patch: 8 } as const;

export interface JobInfoIndex {
  name: string;
  id: bigint;
  schemaHash: number;
  /** tablet id → snapshot file names, in tablet (bucket) order. */
  tablets: [bigint, string[]][];
}

export interface JobInfoPartition {
  name: string;
  id: bigint;
  version: bigint;
  indexes: JobInfoIndex[];
}

export interface JobInfoTable {
  name: string;
  id: bigint;
  partitions: JobInfoPartition[];
}

export interface JobInfoInput {
  label: string;
  dbName: string;
  dbId: bigint;
  backupTimeMs: number;
  content: 'ALL' | 'METADATA_ONLY';
  tables: JobInfoTable[];
  views: { id: bigint; name: string }[];
  tabletBeMap: [bigint, bigint][];
  tabletSnapshotPathMap: [bigint, string][];
  tableCommitSeqMap: [bigint, bigint][];
}

/** BackupJobInfo.toJson(false). */
export function jobInfoJson(input: JobInfoInput): string {
  const backupObjects: Record<string, unknown> = {};
  for (const t of input.tables) {
    const partitions: Record<string, unknown> = {};
    for (const p of t.partitions) {
      const indexes: Record<string, unknown> = {};
      for (const i of p.indexes) {
        indexes[i.name] = {
          id: i.id,
          schema_hash: i.schemaHash,
          tablets: longKeyMap(i.tablets),
          tablets_order: i.tablets.map(([id]) => id),
        };
      }
      partitions[p.name] = { id: p.id, version: p.version, indexes };
    }
    backupObjects[t.name] = { id: t.id, partitions };
  }
  return gsonJson({
    name: input.label,
    database: input.dbName,
    id: input.dbId,
    backup_time: BigInt(input.backupTimeMs),
    content: input.content,
    backup_objects: backupObjects,
    new_backup_objects: { views: input.views.map((v) => ({ id: v.id, name: v.name })), odbc_tables: [], odbc_resources: [] },
    backup_result: 'succeed',
    meta_version: META_VERSION,
    major_version: BUILD_VERSION.major,
    minor_version: BUILD_VERSION.minor,
    patch_version: BUILD_VERSION.patch,
    tablet_be_map: longKeyMap(input.tabletBeMap),
    tablet_snapshot_path_map: longKeyMap(input.tabletSnapshotPathMap),
    table_commit_seq_map: longKeyMap(input.tableCommitSeqMap),
  });
}

/** The parts of a job_info a restore job uses. */
export interface ParsedJobInfo {
  name: string;
  database: string;
  dbId: bigint;
  backupTimeMs: number;
  tables: Map<string, ParsedTable>;
  views: { id: bigint; name: string }[];
  tabletBeMap: Map<bigint, bigint>;
  tabletSnapshotPathMap: Map<bigint, string>;
  /** null when the key is present but null; undefined when absent. */
  extraInfo: ParsedExtraInfo | null | undefined;
}

export interface ParsedTable {
  id: bigint;
  partitions: Map<string, { id: bigint; version: bigint; indexes: Map<string, ParsedIndex> }>;
}

export interface ParsedIndex {
  id: bigint;
  schemaHash: number;
  tablets: Map<bigint, string[]>;
  tabletsOrder: bigint[];
}

export interface ParsedExtraInfo {
  beNetworkMap: Map<bigint, { ip: string; port: number }> | null;
  token: string | null;
}

type Obj = { [key: string]: JsonBigValue };

function obj(v: JsonBigValue | undefined, what: string): Obj {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`${what} must be an object`);
  return v;
}

function str(v: JsonBigValue | undefined): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return '';
}

function num(v: JsonBigValue | undefined, what: string): bigint {
  return v === undefined || v === null ? 0n : toBigInt(v, what);
}

function index(v: JsonBigValue | undefined): ParsedIndex {
  const o = obj(v, 'index');
  const tablets = new Map<bigint, string[]>();
  for (const [k, files] of Object.entries(obj(o['tablets'], 'tablets'))) {
    tablets.set(toBigInt(k, 'tablet id'), Array.isArray(files) ? files.map(str) : []);
  }
  const order = Array.isArray(o['tablets_order']) ? o['tablets_order'].map((x) => toBigInt(x, 'tablets_order')) : [];
  return {
    id: num(o['id'], 'index id'),
    schemaHash: Number(num(o['schema_hash'], 'schema_hash')),
    tablets,
    // Older backups did not save the order; Doris then sorts the tablet ids.
    tabletsOrder: order.length > 0 ? order : [...tablets.keys()].sort((a, b) => (a < b ? -1 : 1)),
  };
}

/** Parses job_info bytes like Gson.fromJson: missing keys default, wrong types throw. */
export function parseJobInfo(text: string): ParsedJobInfo {
  const root = obj(parseJsonBig(text), 'job_info');
  const tables = new Map<string, ParsedTable>();
  for (const [name, tv] of Object.entries(obj(root['backup_objects'], 'backup_objects'))) {
    const t = obj(tv, 'table');
    const partitions: ParsedTable['partitions'] = new Map();
    for (const [pname, pv] of Object.entries(obj(t['partitions'], 'partitions'))) {
      const p = obj(pv, 'partition');
      const indexes = new Map<string, ParsedIndex>();
      for (const [iname, iv] of Object.entries(obj(p['indexes'], 'indexes'))) indexes.set(iname, index(iv));
      partitions.set(pname, { id: num(p['id'], 'partition id'), version: num(p['version'], 'version'), indexes });
    }
    tables.set(name, { id: num(t['id'], 'table id'), partitions });
  }
  const nbo = obj(root['new_backup_objects'], 'new_backup_objects');
  const views = Array.isArray(nbo['views']) ? nbo['views'].map((v) => ({ id: num(obj(v, 'view')['id'], 'view id'), name: str(obj(v, 'view')['name']) })) : [];
  const tabletBeMap = new Map<bigint, bigint>();
  for (const [k, v] of Object.entries(obj(root['tablet_be_map'], 'tablet_be_map'))) tabletBeMap.set(toBigInt(k, 'tablet id'), toBigInt(v, 'backend id'));
  const tabletSnapshotPathMap = new Map<bigint, string>();
  for (const [k, v] of Object.entries(obj(root['tablet_snapshot_path_map'], 'tablet_snapshot_path_map'))) tabletSnapshotPathMap.set(toBigInt(k, 'tablet id'), str(v));
  let extraInfo: ParsedExtraInfo | null | undefined;
  if (root['extra_info'] === null) extraInfo = null;
  else if (root['extra_info'] !== undefined) {
    const e = obj(root['extra_info'], 'extra_info');
    let beNetworkMap: ParsedExtraInfo['beNetworkMap'] = new Map();
    if (e['be_network_map'] === null) beNetworkMap = null;
    else {
      for (const [k, v] of Object.entries(obj(e['be_network_map'], 'be_network_map'))) {
        const a = obj(v, 'network address');
        beNetworkMap.set(toBigInt(k, 'backend id'), { ip: str(a['ip']), port: Number(num(a['port'], 'port')) });
      }
    }
    extraInfo = { beNetworkMap, token: typeof e['token'] === 'string' ? e['token'] : null };
  }
  return {
    name: str(root['name']),
    database: str(root['database']),
    dbId: num(root['id'], 'id'),
    backupTimeMs: Number(num(root['backup_time'], 'backup_time')),
    tables,
    views,
    tabletBeMap,
    tabletSnapshotPathMap,
    extraInfo,
  };
}
