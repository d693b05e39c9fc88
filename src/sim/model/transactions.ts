// Transactions (transaction/DatabaseTransactionMgr.java): per-database labels, begin →
// (rowsets staged per tablet replica) → commit with commit infos and a quorum check per
// tablet, which assigns each touched partition its next version → publish in version
// order, which makes the versions visible and logs the UPSERT binlog. Publishing can be
// held (fault injection): commits then succeed but stay COMMITTED, which the FE reports
// as PUBLISH_TIMEOUT. Messages follow Doris, because the syncer matches them.
import { BinlogType, StatusCode } from '../../doris/types.js';
import { upsertRecord, type UpsertPartitionRecord } from './binlog-records.js';
import type { ModelContext } from './context.js';
import { DorisError, DorisErrNo, ddlError, unknownDatabase } from './errors.js';
import { allocateId } from './ids.js';
import { logOperation } from './journal.js';
import { partitionItemString } from './partition-key.js';
import type { DatabaseState, OlapTableState, PartitionState, TxnState } from './state.js';
import { discardStaged, publishTablet } from './storage.js';

export interface BeginTxnInput {
  dbId: bigint;
  label: string;
  tableIds: bigint[];
  /** LoadJobSourceType: BACKEND_STREAMING (stream load / CCR), FRONTEND (INSERT), … */
  sourceType: string;
  coordinator: string;
  timeoutMs: number;
}

export interface TabletCommitInfo {
  tabletId: bigint;
  backendId: bigint;
}

/** Doris' default stream-load timeout (stream_load_default_timeout_second = 259200). */
export const DEFAULT_TXN_TIMEOUT_MS = 259_200_000;

function txnNotFound(txnId: bigint): DorisError {
  return ddlError(`transaction [${txnId}] not found`);
}

function jobStatusOf(txn: TxnState): string {
  return txn.status === 'PREPARE' ? 'RUNNING' : 'FINISHED';
}

function tablesOfTxn(db: DatabaseState, txn: TxnState): OlapTableState[] {
  const out: OlapTableState[] = [];
  for (const id of txn.tableIds) {
    const t = db.tables.get(id);
    if (t?.kind === 'OLAP') out.push(t);
  }
  return out;
}

function allTabletIds(partition: PartitionState): bigint[] {
  return [...partition.tablets.values()].flat();
}

export class Transactions {
  /** Ids of COMMITTED transactions (derived from the state, so publishing never scans every txn). */
  private readonly committed = new Set<bigint>();

  constructor(private readonly ctx: ModelContext) {
    for (const t of ctx.state.txns.values()) if (t.status === 'COMMITTED') this.committed.add(t.id);
  }

  /**
   * Begins a transaction. Labels are unique per database among transactions that are not
   * ABORTED (LABEL_ALREADY_EXISTS carries the existing job's status); every table id must
   * exist in the database ("can't find table id: N in db: X").
   */
  begin(input: BeginTxnInput): TxnState {
    const db = this.ctx.state.dbs.get(input.dbId);
    if (!db) throw ddlError(`unknown database, database id=${input.dbId}`);
    for (const id of input.tableIds) {
      if (!db.tables.has(id)) throw ddlError(`can't find table id: ${id} in db: ${db.name}`);
    }
    for (const t of this.ctx.state.txns.values()) {
      if (t.dbId === input.dbId && t.label === input.label && t.status !== 'ABORTED') {
        throw new DorisError(
          DorisErrNo.UNKNOWN,
          `Label [${input.label}] has already been used, relate to txn [${t.id}]`,
          StatusCode.LABEL_ALREADY_EXISTS,
          jobStatusOf(t),
        );
      }
    }
    const txn: TxnState = {
      id: allocateId(this.ctx.state),
      dbId: input.dbId,
      label: input.label,
      tableIds: [...input.tableIds],
      status: 'PREPARE',
      sourceType: input.sourceType,
      coordinator: input.coordinator,
      prepareTimeMs: this.ctx.clock(),
      commitTimeMs: -1,
      publishTimeMs: -1,
      finishTimeMs: -1,
      reason: '',
      timeoutMs: input.timeoutMs,
      errorReplicas: 0,
      partitionVersions: new Map(),
      loadedIndexIds: new Map(),
      commitSeq: -1n,
    };
    // Doris does not journal PREPARE; the commit and the visible state are journaled.
    this.ctx.state.txns.set(txn.id, txn);
    return txn;
  }

  get(txnId: bigint): TxnState | undefined {
    return this.ctx.state.txns.get(txnId);
  }

  /** The status a transaction of a database has, UNKNOWN when there is none. */
  statusOf(dbId: bigint, txnId: bigint): TxnState['status'] | 'UNKNOWN' {
    const txn = this.ctx.state.txns.get(txnId);
    return txn?.dbId === dbId ? txn.status : 'UNKNOWN';
  }

  /** A transaction of a database (a txn id of another database is "not found"). */
  require(dbId: bigint, txnId: bigint): TxnState {
    const txn = this.ctx.state.txns.get(txnId);
    if (!txn || txn.dbId !== dbId) throw txnNotFound(txnId);
    return txn;
  }

  /**
   * Commits: checks the tables still exist and that every tablet of every index of each
   * touched partition has a quorum of replicas in `commitInfos`, assigns partition versions,
   * journals COMMITTED and publishes what can be published. Returns whether the data is
   * visible (false = the FE's PUBLISH_TIMEOUT "commit successfully, BUT data will be visible
   * later"). Committing a COMMITTED or VISIBLE transaction again changes nothing.
   */
  commit(dbId: bigint, txnId: bigint, commitInfos: TabletCommitInfo[]): { visible: boolean } {
    const txn = this.require(dbId, txnId);
    if (txn.status === 'ABORTED') {
      throw ddlError(`transaction [${txnId}] is already aborted. abort reason: ${txn.reason}`);
    }
    if (txn.status === 'VISIBLE') return { visible: true };
    if (txn.status === 'COMMITTED') return { visible: false };
    const db = this.ctx.state.dbs.get(dbId);
    if (!db) throw unknownDatabase(String(dbId));
    for (const id of txn.tableIds) {
      if (db.tables.get(id)?.kind !== 'OLAP') throw ddlError(`table not found, tableId=${id}`);
    }
    const byTablet = new Map<bigint, Set<bigint>>();
    for (const info of commitInfos) {
      let set = byTablet.get(info.tabletId);
      if (!set) byTablet.set(info.tabletId, (set = new Set()));
      set.add(info.backendId);
    }
    // Partitions touched = partitions of the committed tablets (unknown tablets are ignored).
    const touched = new Map<bigint, { table: OlapTableState; partition: PartitionState }>();
    for (const tabletId of byTablet.keys()) {
      const tablet = this.ctx.state.tablets.get(tabletId);
      if (!tablet || !txn.tableIds.includes(tablet.tableId)) continue;
      const table = db.tables.get(tablet.tableId);
      const partition = table?.kind === 'OLAP' ? table.partitions.get(tablet.partitionId) : undefined;
      if (table?.kind === 'OLAP' && partition) touched.set(partition.id, { table, partition });
    }
    if (touched.size === 0) throw ddlError('all partitions have no load data');
    for (const { partition } of touched.values()) this.checkQuorum(txn, partition, byTablet);
    for (const { table, partition } of touched.values()) {
      txn.partitionVersions.set(partition.id, { tableId: table.id, version: partition.nextVersion });
      partition.nextVersion += 1n;
      txn.loadedIndexIds.set(table.id, [...table.indexes.keys()]);
    }
    txn.status = 'COMMITTED';
    txn.commitTimeMs = this.ctx.clock();
    this.committed.add(txn.id);
    logOperation(this.ctx);
    this.publishReady();
    return { visible: this.ctx.state.txns.get(txnId)?.status === 'VISIBLE' };
  }

  private checkQuorum(txn: TxnState, partition: PartitionState, byTablet: Map<bigint, Set<bigint>>): void {
    const quorum = Math.floor(partition.replicationNum / 2) + 1;
    for (const tabletIds of partition.tablets.values()) {
      for (const tabletId of tabletIds) {
        const tablet = this.ctx.state.tablets.get(tabletId);
        if (!tablet) continue;
        const ok = byTablet.get(tabletId) ?? new Set<bigint>();
        const success = tablet.replicas.filter((r) => ok.has(r.backendId)).length;
        if (success < quorum) {
          const errorBackends = tablet.replicas.filter((r) => !ok.has(r.backendId)).map((r) => r.backendId);
          throw ddlError(
            `Failed to commit txn ${txn.id}. Tablet [${tabletId}] success replica num ${success} < quorum replica num ${quorum} while error backends ${errorBackends.join(',')}`,
          );
        }
      }
    }
  }

  /**
   * Aborts (rollbackTxn / a failed load). Messages: "transaction [N] not found",
   * "… is already aborted. abort reason: …", "… is already COMMITTED, could not abort.".
   */
  abort(dbId: bigint, txnId: bigint, reason: string): void {
    const txn = this.require(dbId, txnId);
    if (txn.status === 'ABORTED') {
      throw ddlError(`transaction [${txnId}] is already aborted. abort reason: ${txn.reason}`);
    }
    if (txn.status === 'COMMITTED' || txn.status === 'VISIBLE') {
      throw ddlError(`transaction [${txnId}] is already ${txn.status}, could not abort.`);
    }
    this.markAborted(txn, reason);
  }

  private markAborted(txn: TxnState, reason: string): void {
    txn.status = 'ABORTED';
    txn.reason = reason;
    txn.finishTimeMs = this.ctx.clock();
    const db = this.ctx.state.dbs.get(txn.dbId);
    if (db) {
      for (const table of tablesOfTxn(db, txn)) {
        for (const p of table.partitions.values()) discardStaged(this.ctx.state, txn.id, allTabletIds(p));
      }
    }
    logOperation(this.ctx);
  }

  /** Aborts PREPARE transactions past their timeout ("timeout by txn manager"). */
  expireTimedOut(): void {
    const now = this.ctx.clock();
    for (const txn of this.ctx.state.txns.values()) {
      if (txn.status === 'PREPARE' && txn.prepareTimeMs + txn.timeoutMs < now) this.markAborted(txn, 'timeout by txn manager');
    }
  }

  /** Publishes every committed transaction whose versions are next in line, unless publishing is held. */
  publishReady(): void {
    if (this.ctx.state.holdPublish) return;
    let progress = true;
    while (progress) {
      progress = false;
      const committed = [...this.committed]
        .map((id) => this.ctx.state.txns.get(id))
        .filter((t): t is TxnState => t?.status === 'COMMITTED')
        .sort((a, b) => a.commitTimeMs - b.commitTimeMs || (a.id < b.id ? -1 : 1));
      for (const txn of committed) {
        if (this.publishable(txn)) {
          this.publish(txn);
          progress = true;
        }
      }
    }
  }

  private partitionOf(txn: TxnState, partitionId: bigint, tableId: bigint): PartitionState | undefined {
    const table = this.ctx.state.dbs.get(txn.dbId)?.tables.get(tableId);
    return table?.kind === 'OLAP' ? table.partitions.get(partitionId) : undefined;
  }

  private publishable(txn: TxnState): boolean {
    for (const [pid, { tableId, version }] of txn.partitionVersions) {
      const p = this.partitionOf(txn, pid, tableId);
      if (p && p.visibleVersion !== version - 1n) return false;
    }
    return true;
  }

  private publish(txn: TxnState): void {
    const now = this.ctx.clock();
    const db = this.ctx.state.dbs.get(txn.dbId);
    const records = new Map<bigint, UpsertPartitionRecord[]>();
    for (const [pid, { tableId, version }] of txn.partitionVersions) {
      const table = db?.tables.get(tableId);
      const p = this.partitionOf(txn, pid, tableId);
      if (!p || table?.kind !== 'OLAP') continue;
      for (const id of allTabletIds(p)) {
        const tablet = this.ctx.state.tablets.get(id);
        if (tablet) publishTablet(tablet, txn.id, version, now);
      }
      p.visibleVersion = version;
      p.visibleVersionTimeMs = now;
      table.visibleVersion += 1n;
      table.visibleVersionTimeMs = now;
      const list = records.get(tableId) ?? [];
      list.push({ partitionId: pid, range: partitionItemString(p.item), version, isTemp: p.isTemp });
      records.set(tableId, list);
    }
    txn.status = 'VISIBLE';
    this.committed.delete(txn.id);
    txn.publishTimeMs = now;
    txn.finishTimeMs = now;
    const tableIds = [...records.keys()];
    txn.commitSeq = logOperation(this.ctx, {
      type: BinlogType.UPSERT,
      dbId: txn.dbId,
      tableIds,
      timestampMs: txn.finishTimeMs,
      data: (commitSeq) =>
        upsertRecord({
          commitSeq,
          txnId: txn.id,
          timeStamp: BigInt(txn.finishTimeMs),
          label: txn.label,
          dbId: txn.dbId,
          tables: tableIds.map((tableId) => ({
            tableId,
            partitions: records.get(tableId) ?? [],
            indexIds: txn.loadedIndexIds.get(tableId) ?? [],
          })),
        }),
    });
  }
}
