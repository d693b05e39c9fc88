// Tablets, replicas and rowsets: what the simulated BEs store. A load stages one rowset per
// tablet replica under its transaction; publishing version v moves the staged rowset into
// the replica's rowset list and advances the replica's version when it is contiguous (a
// replica that missed the load records lastFailedVersion and is repaired later, as Doris'
// clone does). Rowsets stay addressable by (tablet, replica, version) for ingest_binlog
// downloads and backups until the BE-side binlog GC passes them.
import { StatusCode } from '../../doris/types.js';
import type { ModelContext } from './context.js';
import { ddlError, DorisError, DorisErrNo } from './errors.js';
import { allocateId, allocateRowsetId } from './ids.js';
import type { ClusterState, ReplicaState, Rowset, TabletState } from './state.js';
import type { Value } from './value.js';

const NOT_ENOUGH_BACKENDS =
  'Failed to find enough backend, please check the replication num,replication tag and storage medium and avail capacity of backends or maybe all be on this host.';

/** Chooses `count` distinct alive backends round-robin (SystemInfoService.selectBackendIdsForReplicaCreation). */
function placeReplicas(state: ClusterState, count: number): bigint[] {
  const candidates = [...state.backends.values()]
    .filter((b) => b.alive && !b.decommissioned)
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  if (candidates.length < count) {
    throw ddlError(
      `${NOT_ENOUGH_BACKENDS}\nCreate failed replications:\nreplication tag: {"location" : "default"}, replication num: ${count}, storage medium: HDD`,
    );
  }
  const start = state.placementCursor % candidates.length;
  state.placementCursor += 1;
  const out: bigint[] = [];
  for (let i = 0; i < count; i++) out.push((candidates[(start + i) % candidates.length] as { id: bigint }).id);
  return out;
}

/** Creates one tablet per bucket (ids in bucket order, each followed by its replica ids). */
export function createTablets(
  ctx: ModelContext,
  loc: { dbId: bigint; tableId: bigint; partitionId: bigint; indexId: bigint; schemaHash: number },
  buckets: number,
  replicationNum: number,
  version: bigint,
): bigint[] {
  const ids: bigint[] = [];
  for (let b = 0; b < buckets; b++) {
    const tabletId = allocateId(ctx.state);
    const backends = placeReplicas(ctx.state, replicationNum);
    const replicas: ReplicaState[] = backends.map((backendId) => ({
      id: allocateId(ctx.state),
      backendId,
      version,
      lastSuccessVersion: version,
      lastFailedVersion: -1n,
      lastFailedTimeMs: 0,
      rowsets: [],
      staged: new Map(),
      binlogGcVersion: 0n,
    }));
    const tablet: TabletState = { id: tabletId, ...loc, replicas };
    ctx.state.tablets.set(tabletId, tablet);
    ids.push(tabletId);
  }
  return ids;
}

export function removeTablets(state: ClusterState, tabletIds: Iterable<bigint>): void {
  for (const id of tabletIds) state.tablets.delete(id);
}

/** A new unversioned rowset; its version is assigned when the transaction publishes. */
export function newRowset(
  ctx: ModelContext,
  txnId: bigint,
  columnUids: number[],
  rows: Value[][],
  extra: { deleteSign?: number[] | undefined; deletePredicate?: string | undefined } = {},
): Rowset {
  let dataSize = 0;
  for (const row of rows) for (const v of row) dataSize += v === null ? 1 : typeof v === 'string' ? v.length + 4 : 8;
  return {
    id: allocateRowsetId(ctx.state),
    txnId,
    startVersion: -1n,
    version: -1n,
    columnUids,
    rows,
    deleteSign: extra.deleteSign,
    deletePredicate: extra.deletePredicate,
    createdMs: ctx.clock(),
    dataSize,
  };
}

export function requireTablet(state: ClusterState, tabletId: bigint): TabletState {
  const t = state.tablets.get(tabletId);
  if (!t) throw new DorisError(DorisErrNo.UNKNOWN, `tablet ${tabletId} not found`, StatusCode.TABLET_MISSING);
  return t;
}

/**
 * Stages a rowset on one replica under a transaction (a BE's prepare_txn + commit_txn on the
 * tablet). Re-staging the same transaction is accepted, as BEs treat
 * PUSH_TRANSACTION_ALREADY_EXIST as success.
 */
export function stageOnReplica(state: ClusterState, tabletId: bigint, backendId: bigint, rowset: Rowset): void {
  const tablet = requireTablet(state, tabletId);
  const replica = tablet.replicas.find((r) => r.backendId === backendId);
  if (!replica) throw new DorisError(DorisErrNo.UNKNOWN, `tablet ${tabletId} not found`, StatusCode.TABLET_MISSING);
  if (!replica.staged.has(rowset.txnId)) replica.staged.set(rowset.txnId, rowset);
}

/** Publishes version `version` of transaction `txnId` on every replica of the tablet. */
export function publishTablet(tablet: TabletState, txnId: bigint, version: bigint, nowMs: number): void {
  const versioned = new Map<Rowset, Rowset>();
  for (const replica of tablet.replicas) {
    const staged = replica.staged.get(txnId);
    if (!staged) {
      // The replica did not take part in the load: it misses this version until repaired.
      if (replica.lastFailedVersion < version) {
        replica.lastFailedVersion = version;
        replica.lastFailedTimeMs = nowMs;
      }
      continue;
    }
    replica.staged.delete(txnId);
    let rs = versioned.get(staged);
    if (!rs) {
      rs = { ...staged, startVersion: version, version };
      versioned.set(staged, rs);
    }
    replica.rowsets.push(rs);
    if (replica.version === version - 1n) {
      replica.version = version;
      replica.lastSuccessVersion = version;
    } else if (replica.lastFailedVersion < version) {
      replica.lastFailedVersion = version;
      replica.lastFailedTimeMs = nowMs;
    }
  }
}

/** Drops the staged rowsets of an aborted transaction. */
export function discardStaged(state: ClusterState, txnId: bigint, tabletIds: Iterable<bigint>): void {
  for (const id of tabletIds) for (const r of state.tablets.get(id)?.replicas ?? []) r.staged.delete(txnId);
}

/** A replica that can serve reads at `version`: backend alive and version reached. */
function queryableReplica(state: ClusterState, tablet: TabletState, version: bigint): ReplicaState | undefined {
  return tablet.replicas.find((r) => r.version >= version && state.backends.get(r.backendId)?.alive === true);
}

/** The rowsets of a tablet up to `version`, read from a queryable replica. */
export function readTabletRowsets(state: ClusterState, tabletId: bigint, version: bigint): Rowset[] {
  const tablet = requireTablet(state, tabletId);
  const replica = queryableReplica(state, tablet, version);
  if (!replica) throw ddlError(`Failed to get scan range, no queryable replica found in tablet: ${tabletId}`);
  return replica.rowsets.filter((rs) => rs.version <= version);
}

/**
 * Clone repair: replicas on alive backends that lag behind `visibleVersion` copy the missing
 * rowsets from a complete replica of the same tablet.
 */
export function repairTablet(state: ClusterState, tablet: TabletState, visibleVersion: bigint): void {
  const healthy = tablet.replicas.find(
    (r) => r.version >= visibleVersion && state.backends.get(r.backendId)?.alive === true,
  );
  if (!healthy) return;
  for (const r of tablet.replicas) {
    if (r === healthy || r.version >= visibleVersion || state.backends.get(r.backendId)?.alive !== true) continue;
    r.rowsets = healthy.rowsets.filter((rs) => rs.version <= visibleVersion);
    r.version = visibleVersion;
    r.lastSuccessVersion = visibleVersion;
    r.lastFailedVersion = -1n;
  }
}

/**
 * The single-version rowset a load created at `version` on one replica, as the BE's
 * /api/_binlog/_download serves it; undefined when the replica does not have it or its
 * binlog was garbage-collected.
 */
export function binlogRowset(state: ClusterState, tabletId: bigint, backendId: bigint, version: bigint): Rowset | undefined {
  const replica = state.tablets.get(tabletId)?.replicas.find((r) => r.backendId === backendId);
  if (!replica || version <= replica.binlogGcVersion) return undefined;
  // Doris finds a binlog's rowset by version in the tablet's meta; replica.rowsets is kept
  // ascending by version (publish order; restore, clone and schema change rebuild it sorted),
  // so a binary search finds the first rowset ending at `version`.
  const list = replica.rowsets;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((list[mid] as Rowset).version < version) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < list.length; i++) {
    const rs = list[i] as Rowset;
    if (rs.version !== version) break;
    if (rs.startVersion === version) return rs;
  }
  return undefined;
}

/** Per replica: its rowset list as last indexed, how much of it, and each id's position. */
interface RowsetIdIndex {
  list: Rowset[];
  indexed: number;
  byId: Map<string, number>;
}
const rowsetIdIndexes = new WeakMap<ReplicaState, RowsetIdIndex>();

/**
 * The rowset with this id on one replica (get_segment_file: Doris builds the segment's path
 * from the rowset id, no scan). The index is derived, never persisted: it follows appends to
 * the replica's list and is rebuilt when the list is reassigned (restore, clone, schema change,
 * a model loaded from --data-dir). A hit is checked against the list and a miss scans it, so
 * the answer is always that of a scan of `replica.rowsets`.
 */
export function replicaRowsetById(replica: ReplicaState, id: string): Rowset | undefined {
  const list = replica.rowsets;
  let index = rowsetIdIndexes.get(replica);
  if (!index || index.list !== list || index.indexed > list.length) {
    index = { list, indexed: 0, byId: new Map() };
    rowsetIdIndexes.set(replica, index);
  }
  for (; index.indexed < list.length; index.indexed++) {
    const rid = (list[index.indexed] as Rowset).id;
    if (!index.byId.has(rid)) index.byId.set(rid, index.indexed);
  }
  const at = index.byId.get(id);
  if (at !== undefined && list[at]?.id === id) return list[at];
  // Not indexed where expected: the list was changed in place. Scan it and index it afresh.
  const found = list.find((rs) => rs.id === id);
  if (found) rowsetIdIndexes.delete(replica);
  return found;
}
