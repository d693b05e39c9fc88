// The initial state of a simulated cluster: backends and frontends as model data, FE and BE
// configuration with Doris' names and the defaults a CCR-ready cluster runs with
// (enable_feature_binlog = true in fe.conf and be.conf), users, and the internal database.
import type { ClusterState, ConfigEntry, FrontendState } from './state.js';

export interface BackendSpec {
  host?: string | undefined;
  heartbeatPort?: number | undefined;
  bePort?: number | undefined;
  httpPort?: number | undefined;
  brpcPort?: number | undefined;
  arrowFlightSqlPort?: number | undefined;
  alive?: boolean | undefined;
}

export interface FrontendSpec {
  host?: string | undefined;
  editLogPort?: number | undefined;
  httpPort?: number | undefined;
  queryPort?: number | undefined;
  rpcPort?: number | undefined;
  arrowFlightSqlPort?: number | undefined;
  role?: 'FOLLOWER' | 'OBSERVER' | undefined;
  isMaster?: boolean | undefined;
}

export interface ClusterInit {
  nowMs: number;
  clusterName?: string | undefined;
  /** Backend list, or a count of default backends (127.0.0.1, ports 9060/8040/… + 100·i). Default 3. */
  backends?: BackendSpec[] | number | undefined;
  /** Default: one master FE on 127.0.0.1 with Doris' default ports. */
  frontends?: FrontendSpec[] | undefined;
  feConfig?: Record<string, string> | undefined;
  beConfig?: Record<string, string> | undefined;
  /** user → password; default root with an empty password. */
  users?: Record<string, string> | undefined;
  /** replication_num of tables that do not set one (Doris: 3). */
  defaultReplicationNum?: number | undefined;
  token?: string | undefined;
  firstId?: bigint | undefined;
  firstJournalId?: bigint | undefined;
}

export const DORIS_VERSION = 'doris-2.1.8-rc01-sim';

function entry(value: string, type: string, mutable: boolean, masterOnly: boolean, comment = ''): ConfigEntry {
  return { value, type, mutable, masterOnly, comment };
}

/** FE configuration keys the model or the syncer read, with Doris' types and flags. */
function defaultFeConfig(fe: FrontendState): Map<string, ConfigEntry> {
  return new Map<string, ConfigEntry>([
    ['enable_feature_binlog', entry('true', 'boolean', false, false, 'Whether to enable binlog feature')],
    ['binlog_gc_interval_seconds', entry('600', 'long', false, true, 'Binlog gc interval seconds')],
    ['enable_recycle_binlog_immediately', entry('false', 'boolean', true, true)],
    ['max_binlog_messsage_size', entry('1073741824', 'int', false, false)],
    ['stream_load_default_timeout_second', entry('259200', 'int', true, true)],
    ['catalog_trash_expire_second', entry('86400', 'long', true, true)],
    ['label_keep_max_second', entry('259200', 'int', true, true)],
    ['enable_restore_snapshot_rpc_compression', entry('true', 'boolean', true, true)],
    ['max_backup_restore_job_num_per_db', entry('10', 'int', true, true)],
    ['thrift_server_type', entry('THREAD_POOL', 'String', false, false)],
    ['http_port', entry(String(fe.httpPort), 'int', false, false)],
    ['rpc_port', entry(String(fe.rpcPort), 'int', false, false)],
    ['query_port', entry(String(fe.queryPort), 'int', false, false)],
    ['edit_log_port', entry(String(fe.editLogPort), 'int', false, false)],
  ]);
}

function defaultBeConfig(): Map<string, string> {
  return new Map([
    ['enable_feature_binlog', 'true'],
    ['ingest_binlog_work_pool_size', '-1'],
    ['download_binlog_rate_limit_kbs', '0'],
  ]);
}

function frontendsOf(init: ClusterInit): FrontendState[] {
  const specs = init.frontends && init.frontends.length > 0 ? init.frontends : [{}];
  const hasMaster = specs.some((s) => s.isMaster);
  return specs.map((s, i) => {
    const host = s.host ?? '127.0.0.1';
    const editLogPort = s.editLogPort ?? 9010 + 100 * i;
    return {
      name: `${host}_${editLogPort}_${init.nowMs}`,
      host,
      editLogPort,
      httpPort: s.httpPort ?? 8030 + 100 * i,
      queryPort: s.queryPort ?? 9030 + 100 * i,
      rpcPort: s.rpcPort ?? 9020 + 100 * i,
      arrowFlightSqlPort: s.arrowFlightSqlPort ?? -1,
      role: s.role ?? 'FOLLOWER',
      isMaster: hasMaster ? (s.isMaster ?? false) : i === 0,
      alive: true,
      lastStartTimeMs: init.nowMs,
      version: DORIS_VERSION,
    };
  });
}

/** Builds the state of a fresh cluster. */
export function initialState(init: ClusterInit): ClusterState {
  const frontends = frontendsOf(init);
  const master = frontends.find((f) => f.isMaster) ?? frontends[0];
  if (!master) throw new Error('a cluster needs at least one frontend');
  const feConfig = defaultFeConfig(master);
  for (const [k, v] of Object.entries(init.feConfig ?? {})) {
    const e = feConfig.get(k);
    feConfig.set(k, e ? { ...e, value: v } : entry(v, 'String', true, false));
  }
  const beConfig = defaultBeConfig();
  for (const [k, v] of Object.entries(init.beConfig ?? {})) beConfig.set(k, v);
  const state: ClusterState = {
    clusterName: init.clusterName ?? 'doris_sim',
    clusterId: Math.abs(Number(BigInt(init.nowMs) % 2147483647n)),
    token: init.token ?? `sim-token-${init.nowMs.toString(16)}`,
    feConfig,
    beConfig,
    nextId: init.firstId ?? 10000n,
    nextJournalId: init.firstJournalId ?? 1n,
    rowsetSeq: 0,
    placementCursor: 0,
    backends: new Map(),
    frontends,
    users: new Map(Object.entries(init.users ?? { root: '' })),
    dbs: new Map(),
    tablets: new Map(),
    txns: new Map(),
    alterJobs: new Map(),
    binlogs: new Map(),
    recycleTables: new Map(),
    recyclePartitions: new Map(),
    holdPublish: false,
    defaultReplicationNum: init.defaultReplicationNum ?? 3,
    lastBinlogGcMs: init.nowMs,
  };
  const specs = typeof init.backends === 'number' || init.backends === undefined
    ? Array.from({ length: typeof init.backends === 'number' ? init.backends : 3 }, (): BackendSpec => ({}))
    : init.backends;
  specs.forEach((s, i) => {
    const id = state.nextId++;
    state.backends.set(id, {
      id,
      host: s.host ?? '127.0.0.1',
      heartbeatPort: s.heartbeatPort ?? 9050 + 100 * i,
      bePort: s.bePort ?? 9060 + 100 * i,
      httpPort: s.httpPort ?? 8040 + 100 * i,
      brpcPort: s.brpcPort ?? 8060 + 100 * i,
      arrowFlightSqlPort: s.arrowFlightSqlPort ?? -1,
      alive: s.alive ?? true,
      decommissioned: false,
      lastStartTimeMs: init.nowMs,
      lastHeartbeatMs: init.nowMs,
      version: DORIS_VERSION,
    });
  });
  // Doris creates __internal_schema at startup; it takes the first catalog id after the BEs.
  const internalId = state.nextId++;
  state.dbs.set(internalId, { id: internalId, name: '__internal_schema', createTimeMs: init.nowMs, properties: new Map(), tables: new Map() });
  return state;
}
