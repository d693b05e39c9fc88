// SHOW PROC '/dbs/…', SHOW BACKENDS, frontends() and SHOW TABLE <id>: the column lists of
// Doris' proc dirs (common/proc/*ProcDir.java) and the values the syncer parses by column
// name (DbId/DbName, TableId/TableName, PartitionId/PartitionName/Range, IndexId/IndexName,
// TabletId/ReplicaId/BackendId, BackendId/Host/BePort/HttpPort/BrpcPort).
import { formalPartitions, requireDb, requireOlapTable, visibleIndexes } from './catalog.js';
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import { partitionItemString } from './partition-key.js';
import { orderedPartitions } from './scan.js';
import { byteString, timeString, type ShowResult } from './show-format.js';
import type { DatabaseState, OlapTableState, PartitionState, ReplicaState, TabletState } from './state.js';

const DBS_COLUMNS = [
  'DbId', 'DbName', 'TableNum', 'Size', 'Quota', 'LastConsistencyCheckTime', 'ReplicaCount', 'ReplicaQuota',
  'RunningTransactionNum', 'TransactionQuota', 'LastUpdateTime',
];
const TABLES_COLUMNS = [
  'TableId', 'TableName', 'IndexNum', 'PartitionColumnName', 'PartitionNum', 'State', 'Type', 'LastConsistencyCheckTime',
  'ReplicaCount',
];
const PARTITIONS_COLUMNS = [
  'PartitionId', 'PartitionName', 'VisibleVersion', 'VisibleVersionTime', 'State', 'PartitionKey', 'Range', 'DistributionKey',
  'Buckets', 'ReplicationNum', 'StorageMedium', 'CooldownTime', 'RemoteStoragePolicy', 'LastConsistencyCheckTime', 'DataSize',
  'IsInMemory', 'ReplicaAllocation', 'IsMutable', 'SyncWithBaseTables', 'UnsyncTables', 'CommittedVersion', 'RowCount',
];
const INDEXES_COLUMNS = ['IndexId', 'IndexName', 'State', 'LastConsistencyCheckTime'];
const TABLETS_COLUMNS = [
  'TabletId', 'ReplicaId', 'BackendId', 'SchemaHash', 'Version', 'LstSuccessVersion', 'LstFailedVersion', 'LstFailedTime',
  'LocalDataSize', 'RemoteDataSize', 'RowCount', 'State', 'LstConsistencyCheckTime', 'CheckVersion', 'VersionCount',
  'QueryHits', 'PathHash', 'MetaUrl', 'CompactionStatus', 'CooldownReplicaId', 'CooldownMetaId',
];
const BACKENDS_COLUMNS = [
  'BackendId', 'Host', 'HeartbeatPort', 'BePort', 'HttpPort', 'BrpcPort', 'ArrowFlightSqlPort', 'LastStartTime',
  'LastHeartbeat', 'Alive', 'SystemDecommissioned', 'TabletNum', 'DataUsedCapacity', 'TrashUsedCapacity', 'AvailCapacity',
  'TotalCapacity', 'UsedPct', 'MaxDiskUsedPct', 'RemoteUsedCapacity', 'Tag', 'ErrMsg', 'Version', 'Status',
  'HeartbeatFailureCounter', 'NodeRole',
];
const FRONTENDS_COLUMNS = [
  'Name', 'Host', 'EditLogPort', 'HttpPort', 'QueryPort', 'RpcPort', 'ArrowFlightSqlPort', 'Role', 'IsMaster', 'ClusterId',
  'Join', 'Alive', 'ReplayedJournalId', 'LastStartTime', 'LastHeartbeat', 'IsHelper', 'ErrMsg', 'Version', 'CurrentConnected',
];

function replicaSize(r: ReplicaState): { bytes: number; rows: number } {
  let bytes = 0;
  let rows = 0;
  for (const rs of r.rowsets) {
    bytes += rs.dataSize;
    rows += rs.rows.length;
  }
  return { bytes, rows };
}

export class ProcShow {
  constructor(private readonly ctx: ModelContext) {}

  private tablets(p: PartitionState, indexId?: bigint): TabletState[] {
    const ids = indexId === undefined ? [...p.tablets.values()].flat() : (p.tablets.get(indexId) ?? []);
    return ids.map((id) => this.ctx.state.tablets.get(id)).filter((t): t is TabletState => t !== undefined);
  }

  private replicaCount(t: OlapTableState): number {
    let n = 0;
    for (const p of t.partitions.values()) for (const tablet of this.tablets(p)) n += tablet.replicas.length;
    return n;
  }

  private db(dbId: bigint): DatabaseState {
    const db = this.ctx.state.dbs.get(dbId);
    if (!db) throw ddlError(`Database[${dbId}] does not exist.`);
    return db;
  }

  private olapTable(dbId: bigint, tableId: bigint): OlapTableState {
    const t = this.db(dbId).tables.get(tableId);
    if (!t) throw ddlError(`Table[${tableId}] does not exist`);
    if (t.kind !== 'OLAP') throw ddlError(`Table[${tableId}] is not a OLAP table`);
    return t;
  }

  /** SHOW PROC '/dbs/'. */
  dbs(): ShowResult {
    const rows = [...this.ctx.state.dbs.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((db) => {
        let replicas = 0;
        let bytes = 0;
        for (const t of db.tables.values()) {
          if (t.kind !== 'OLAP') continue;
          replicas += this.replicaCount(t);
          for (const p of t.partitions.values()) for (const tablet of this.tablets(p)) bytes += replicaSize(tablet.replicas[0] as ReplicaState).bytes;
        }
        const running = [...this.ctx.state.txns.values()].filter((x) => x.dbId === db.id && (x.status === 'PREPARE' || x.status === 'COMMITTED')).length;
        return [
          db.id.toString(), db.name, String(db.tables.size), byteString(bytes), '1024.000 TB', 'NULL', String(replicas),
          '1073741824', String(running), '1000', timeString(db.createTimeMs),
        ];
      });
    return { columns: DBS_COLUMNS, rows };
  }

  /** SHOW PROC '/dbs/<dbId>/'. */
  tables(dbId: bigint): ShowResult {
    const db = this.db(dbId);
    const rows = [...db.tables.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((t) => {
        if (t.kind !== 'OLAP') return [t.id.toString(), t.name, 'NULL', 'NULL', '1', 'NULL', t.kind, 'NULL', '0'];
        const partitionKey = t.partitionType === 'UNPARTITIONED' ? 'NULL' : t.partitionColumns.join(', ');
        return [
          t.id.toString(), t.name, String(visibleIndexes(t).length), partitionKey, String(formalPartitions(t).length), t.state,
          'OLAP', 'NULL', String(this.replicaCount(t)),
        ];
      });
    return { columns: TABLES_COLUMNS, rows };
  }

  /** SHOW PROC '/dbs/<db>/<table>/partitions' (or temp_partitions); also SHOW PARTITIONS. */
  partitions(dbId: bigint, tableId: bigint, temp = false): ShowResult {
    const t = this.olapTable(dbId, tableId);
    const rows = orderedPartitions(t, temp).map((p) => {
      let bytes = 0;
      let rowCount = 0;
      for (const tablet of this.tablets(p, t.baseIndexId)) {
        const s = replicaSize(tablet.replicas[0] as ReplicaState);
        bytes += s.bytes;
        rowCount += s.rows;
      }
      return [
        p.id.toString(), p.name, p.visibleVersion.toString(), timeString(p.visibleVersionTimeMs), 'NORMAL',
        t.partitionColumns.join(', '), partitionItemString(p.item),
        t.distribution.type === 'HASH' ? t.distribution.columns.join(', ') : 'RANDOM', String(p.buckets),
        String(p.replicationNum), p.storageMedium, '9999-12-31 23:59:59', '', 'NULL', byteString(bytes),
        String(p.isInMemory), `tag.location.default: ${p.replicationNum}`, String(p.isMutable), 'true', '',
        (p.nextVersion - 1n).toString(), String(rowCount),
      ];
    });
    return { columns: PARTITIONS_COLUMNS, rows };
  }

  /** SHOW [TEMPORARY] PARTITIONS FROM db.t (the partitions proc dir by name). */
  showPartitions(dbName: string, tableName: string, temp = false): ShowResult {
    const db = requireDb(this.ctx.state, dbName);
    return this.partitions(db.id, requireOlapTable(db, tableName).id, temp);
  }

  /** SHOW PROC '/dbs/<db>/<table>/partitions/<partition>': every index, shadow ones included. */
  indexes(dbId: bigint, tableId: bigint, partitionId: bigint): ShowResult {
    const t = this.olapTable(dbId, tableId);
    const p = t.partitions.get(partitionId);
    if (!p) throw ddlError(`Partition[${partitionId}] does not exist`);
    const base = t.indexes.get(t.baseIndexId);
    const ordered = [...(base ? [base] : []), ...[...t.indexes.values()].filter((i) => i.id !== t.baseIndexId)];
    const rows = ordered.filter((i) => p.tablets.has(i.id)).map((i) => [i.id.toString(), i.name, i.state, 'NULL']);
    return { columns: INDEXES_COLUMNS, rows };
  }

  /** SHOW PROC '/dbs/<db>/<table>/partitions/<partition>/<index>': one row per replica. */
  tabletReplicas(dbId: bigint, tableId: bigint, partitionId: bigint, indexId: bigint): ShowResult {
    const t = this.olapTable(dbId, tableId);
    const p = t.partitions.get(partitionId);
    if (!p || !p.tablets.has(indexId)) throw ddlError(`Index[${indexId}] does not exist`);
    const rows: (string | null)[][] = [];
    for (const tablet of this.tablets(p, indexId)) {
      for (const r of tablet.replicas) {
        const s = replicaSize(r);
        const be = this.ctx.state.backends.get(r.backendId);
        rows.push([
          tablet.id.toString(), r.id.toString(), r.backendId.toString(), String(tablet.schemaHash), r.version.toString(),
          r.lastSuccessVersion.toString(), r.lastFailedVersion.toString(), timeString(r.lastFailedTimeMs), String(s.bytes), '0',
          String(s.rows), 'NORMAL', 'NULL', '-1', String(r.rowsets.length + 1), '0', '0',
          `http://${be?.host ?? ''}:${be?.httpPort ?? 0}/api/meta/header/${tablet.id}`,
          `http://${be?.host ?? ''}:${be?.httpPort ?? 0}/api/compaction/show?tablet_id=${tablet.id}`, '-1', '',
        ]);
      }
    }
    return { columns: TABLETS_COLUMNS, rows };
  }

  /** SHOW TABLE <id>: DbName, TableName, DbId (no row when the table does not exist). */
  tableById(tableId: bigint): ShowResult {
    for (const db of this.ctx.state.dbs.values()) {
      const t = db.tables.get(tableId);
      if (t) return { columns: ['DbName', 'TableName', 'DbId'], rows: [[db.name, t.name, db.id.toString()]] };
    }
    return { columns: ['DbName', 'TableName', 'DbId'], rows: [] };
  }

  /** SHOW BACKENDS. */
  backends(): ShowResult {
    const rows = [...this.ctx.state.backends.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((b) => {
        const tabletNum = [...this.ctx.state.tablets.values()].filter((t) => t.replicas.some((r) => r.backendId === b.id)).length;
        return [
          b.id.toString(), b.host, String(b.heartbeatPort), String(b.bePort), String(b.httpPort), String(b.brpcPort),
          String(b.arrowFlightSqlPort), timeString(b.lastStartTimeMs), timeString(b.lastHeartbeatMs), String(b.alive),
          String(b.decommissioned), String(tabletNum), '0.000 ', '0.000 ', '1.000 TB', '1.000 TB', '0.00 %', '0.00 %', '0.000 ',
          '{"location" : "default"}', b.alive ? '' : 'backend is not alive', b.version,
          `{"lastSuccessReportTabletsTime":"${timeString(b.lastHeartbeatMs)}","lastStreamLoadTime":-1,"isQueryDisabled":false,"isLoadDisabled":false}`,
          '0', 'mix',
        ];
      });
    return { columns: BACKENDS_COLUMNS, rows };
  }

  /** SELECT * FROM frontends() / SHOW FRONTENDS. */
  frontends(): ShowResult {
    const replayed = (this.ctx.state.nextJournalId - 1n).toString();
    const rows = this.ctx.state.frontends.map((f) => [
      f.name, f.host, String(f.editLogPort), String(f.httpPort), String(f.queryPort), String(f.rpcPort),
      String(f.arrowFlightSqlPort), f.role, String(f.isMaster), String(this.ctx.state.clusterId), 'true', String(f.alive),
      replayed, timeString(f.lastStartTimeMs), timeString(this.ctx.clock()), 'true', '', f.version, f.isMaster ? 'Yes' : 'No',
    ]);
    return { columns: FRONTENDS_COLUMNS, rows };
  }

  /**
   * SHOW PROC '<path>' for the paths above: /dbs, /dbs/<db>, /dbs/<db>/<t>/partitions,
   * /dbs/<db>/<t>/temp_partitions, …/partitions/<p>, …/partitions/<p>/<index>, /backends,
   * /frontends.
   */
  proc(path: string): ShowResult {
    const parts = path.split('/').filter((s) => s !== '');
    const id = (s: string | undefined, what: string): bigint => {
      if (s === undefined || !/^\d+$/.test(s)) throw ddlError(`Invalid ${what} id format: ${s ?? ''}`);
      return BigInt(s);
    };
    if (parts[0] === 'backends' && parts.length === 1) return this.backends();
    if (parts[0] === 'frontends' && parts.length === 1) return this.frontends();
    if (parts[0] !== 'dbs') throw ddlError(`Proc path '${path}' doesn't exist`);
    if (parts.length === 1) return this.dbs();
    const dbId = id(parts[1], 'db');
    if (parts.length === 2) return this.tables(dbId);
    const tableId = id(parts[2], 'table');
    const sub = parts[3];
    if (sub === 'partitions' || sub === 'temp_partitions') {
      if (parts.length === 4) return this.partitions(dbId, tableId, sub === 'temp_partitions');
      const partitionId = id(parts[4], 'partition');
      if (parts.length === 5) return this.indexes(dbId, tableId, partitionId);
      if (parts.length === 6) return this.tabletReplicas(dbId, tableId, partitionId, id(parts[5], 'index'));
    }
    throw ddlError(`Proc path '${path}' doesn't exist`);
  }
}
