// Asynchronous alter jobs (alter/SchemaChangeJobV2.java, RollupJobV2.java). A job is created
// PENDING; each advance() moves it one state: PENDING → WAITING_TXN (shadow index and its
// tablets join the table, so new loads write them) → RUNNING (once every transaction begun
// before the job has finished, the historical data is converted into the shadow tablets) →
// FINISHED (schema change: shadow indexes replace their origins, which are recorded as
// dropped; rollup: the index becomes visible). Every state change is journaled and logs an
// ALTER_JOB binlog; CANCEL ALTER removes the shadow indexes.
import { BinlogType } from '../../doris/types.js';
import { alterJobRecord } from './binlog-records.js';
import { requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { ddlError } from './errors.js';
import { allocateRowsetId } from './ids.js';
import { logOperation } from './journal.js';
import { primitiveTypeName } from './partition-key.js';
import { readTablet } from './scan.js';
import type { AlterJobState, AlterJobType, IndexState, OlapTableState, Rowset, ShadowIndexPlan } from './state.js';
import { createTablets, removeTablets } from './storage.js';
import { schemaHashFor } from './table-builder.js';
import { coerceValue, type Value } from './value.js';

export interface NewJobInput {
  jobId: bigint;
  type: AlterJobType;
  table: OlapTableState;
  rawSql: string;
  shadows: ShadowIndexPlan[];
}

export class AlterJobs {
  constructor(private readonly ctx: ModelContext) {}

  /** Registers a PENDING job and logs it. The table leaves NORMAL state. */
  create(input: NewJobInput): AlterJobState {
    const { table } = input;
    const rollup = input.type === 'ROLLUP' ? input.shadows[0] : undefined;
    const base = table.indexes.get(table.baseIndexId);
    const job: AlterJobState = {
      jobId: input.jobId,
      type: input.type,
      dbId: table.dbId,
      tableId: table.id,
      tableName: table.name,
      state: 'PENDING',
      rawSql: input.rawSql,
      createTimeMs: this.ctx.clock(),
      finishTimeMs: -1,
      timeoutMs: 86_400_000,
      watershedTxnId: -1n,
      indexIdMap: new Map(input.type === 'SCHEMA_CHANGE' ? input.shadows.map((s) => [s.shadowId, s.originId]) : []),
      rollupIndexId: rollup?.shadowId ?? -1n,
      rollupIndexName: rollup?.name ?? '',
      baseIndexId: rollup?.originId ?? -1n,
      baseIndexName: rollup ? (base?.name ?? '') : '',
      alterVersions: new Map(),
      shadowIndexes: input.shadows,
      errMsg: '',
    };
    this.ctx.state.alterJobs.set(job.jobId, job);
    table.state = input.type === 'SCHEMA_CHANGE' ? 'SCHEMA_CHANGE' : 'ROLLUP';
    this.log(job);
    return job;
  }

  private log(job: AlterJobState, dropped?: bigint[]): void {
    logOperation(this.ctx, {
      type: BinlogType.ALTER_JOB,
      dbId: job.dbId,
      tableIds: [job.tableId],
      dropped: dropped ? { indexes: dropped } : undefined,
      data: () =>
        alterJobRecord({
          type: job.type,
          dbId: job.dbId,
          tableId: job.tableId,
          tableName: job.tableName,
          jobId: job.jobId,
          jobState: job.state,
          rawSql: job.rawSql,
          indexIdMap: job.indexIdMap,
          rollup:
            job.type === 'ROLLUP'
              ? {
                  rollupIndexId: job.rollupIndexId,
                  rollupIndexName: job.rollupIndexName,
                  baseIndexId: job.baseIndexId,
                  baseIndexName: job.baseIndexName,
                }
              : undefined,
        }),
    });
  }

  private tableOf(job: AlterJobState): OlapTableState | undefined {
    const t = this.ctx.state.dbs.get(job.dbId)?.tables.get(job.tableId);
    return t?.kind === 'OLAP' ? t : undefined;
  }

  /** Moves every unfinished job one step forward where possible; returns how many moved. */
  advanceAll(): number {
    let moved = 0;
    for (const job of this.ctx.state.alterJobs.values()) if (this.advance(job)) moved++;
    return moved;
  }

  private advance(job: AlterJobState): boolean {
    const table = this.tableOf(job);
    if (!table) {
      if (job.state !== 'FINISHED' && job.state !== 'CANCELLED') job.state = 'CANCELLED';
      return false;
    }
    switch (job.state) {
      case 'PENDING':
        this.toWaitingTxn(job, table);
        return true;
      case 'WAITING_TXN':
        if (!this.previousLoadsFinished(job)) return false;
        this.toRunning(job, table);
        return true;
      case 'RUNNING':
        this.toFinished(job, table);
        return true;
      case 'FINISHED':
      case 'CANCELLED':
        return false;
    }
  }

  private toWaitingTxn(job: AlterJobState, table: OlapTableState): void {
    for (const plan of job.shadowIndexes) {
      const origin = table.indexes.get(plan.originId) as IndexState;
      const shadow: IndexState = {
        id: plan.shadowId,
        name: plan.name,
        schemaHash: schemaHashFor(plan.shadowId, origin.schemaVersion + 1),
        columns: plan.columns,
        keysType: table.keysType,
        schemaVersion: job.type === 'SCHEMA_CHANGE' ? origin.schemaVersion + 1 : 0,
        state: 'SHADOW',
      };
      table.indexes.set(shadow.id, shadow);
      for (const p of table.partitions.values()) {
        const loc = { dbId: table.dbId, tableId: table.id, partitionId: p.id, indexId: shadow.id, schemaHash: shadow.schemaHash };
        p.tablets.set(shadow.id, createTablets(this.ctx, loc, p.buckets, p.replicationNum, p.visibleVersion));
      }
    }
    // Transactions with a smaller id were begun before the shadow index existed.
    job.watershedTxnId = this.ctx.state.nextId;
    job.state = 'WAITING_TXN';
    this.log(job);
  }

  private previousLoadsFinished(job: AlterJobState): boolean {
    for (const txn of this.ctx.state.txns.values()) {
      if (txn.id >= job.watershedTxnId || !txn.tableIds.includes(job.tableId)) continue;
      if (txn.status === 'PREPARE' || txn.status === 'COMMITTED') return false;
    }
    return true;
  }

  /** Converts the data up to each partition's visible version into the shadow tablets. */
  private toRunning(job: AlterJobState, table: OlapTableState): void {
    for (const p of table.partitions.values()) job.alterVersions.set(p.id, p.visibleVersion);
    for (const plan of job.shadowIndexes) {
      const origin = table.indexes.get(plan.originId) as IndexState;
      const shadow = table.indexes.get(plan.shadowId) as IndexState;
      const convert = converter(origin, shadow);
      for (const p of table.partitions.values()) {
        const version = p.visibleVersion;
        const originTablets = p.tablets.get(origin.id) ?? [];
        (p.tablets.get(shadow.id) ?? []).forEach((shadowTabletId, b) => {
          const source = originTablets[b];
          const rows = source === undefined ? [] : readTablet(this.ctx, table, origin, source, version).map(convert);
          const rs: Rowset = {
            id: allocateRowsetId(this.ctx.state),
            txnId: -1n,
            startVersion: 0n,
            version,
            columnUids: shadow.columns.map((c) => c.uniqueId),
            rows,
            createdMs: this.ctx.clock(),
            dataSize: rows.length * shadow.columns.length * 8,
          };
          for (const r of this.ctx.state.tablets.get(shadowTabletId)?.replicas ?? []) {
            r.rowsets = [rs, ...r.rowsets.filter((x) => x.version > version)];
            if (r.version < version) r.version = version;
            // Versions the shadow replica missed before it existed are now covered.
            if (r.lastFailedVersion <= version) r.lastFailedVersion = -1n;
          }
        });
      }
    }
    job.state = 'RUNNING';
    this.log(job);
  }

  private toFinished(job: AlterJobState, table: OlapTableState): void {
    const dropped: bigint[] = [];
    for (const plan of job.shadowIndexes) {
      const shadow = table.indexes.get(plan.shadowId) as IndexState;
      shadow.state = 'NORMAL';
      if (job.type === 'SCHEMA_CHANGE') {
        const origin = table.indexes.get(plan.originId) as IndexState;
        shadow.name = origin.name;
        table.indexes.delete(origin.id);
        for (const p of table.partitions.values()) {
          removeTablets(this.ctx.state, p.tablets.get(origin.id) ?? []);
          p.tablets.delete(origin.id);
        }
        if (origin.id === table.baseIndexId) {
          table.baseIndexId = shadow.id;
          table.columns = shadow.columns;
        }
        dropped.push(origin.id);
      }
    }
    table.state = 'NORMAL';
    job.state = 'FINISHED';
    job.finishTimeMs = this.ctx.clock();
    this.log(job, dropped);
  }

  /** CANCEL ALTER TABLE COLUMN|ROLLUP FROM db.t: cancels the table's unfinished job of that type. */
  cancel(dbName: string, tableName: string, type: AlterJobType): void {
    const db = requireDb(this.ctx.state, dbName);
    const table = requireOlapTable(db, tableName);
    const job = [...this.ctx.state.alterJobs.values()].find(
      (j) => j.tableId === table.id && j.type === type && j.state !== 'FINISHED' && j.state !== 'CANCELLED',
    );
    if (!job) throw ddlError(`Table[${tableName}] is under ${table.state}, no alter job to cancel`);
    for (const plan of job.shadowIndexes) {
      if (!table.indexes.has(plan.shadowId)) continue;
      table.indexes.delete(plan.shadowId);
      for (const p of table.partitions.values()) {
        removeTablets(this.ctx.state, p.tablets.get(plan.shadowId) ?? []);
        p.tablets.delete(plan.shadowId);
      }
    }
    table.state = 'NORMAL';
    job.state = 'CANCELLED';
    job.errMsg = 'user cancelled';
    job.finishTimeMs = this.ctx.clock();
    this.log(job);
  }

  /** Jobs of a database, oldest first (SHOW ALTER TABLE COLUMN / ROLLUP). */
  list(dbId: bigint, type: AlterJobType): AlterJobState[] {
    return [...this.ctx.state.alterJobs.values()].filter((j) => j.dbId === dbId && j.type === type);
  }
}

/** Row conversion from an origin index to a shadow index (by column unique id, types coerced). */
function converter(origin: IndexState, shadow: IndexState): (row: Value[]) => Value[] {
  const pos = shadow.columns.map((c) => origin.columns.findIndex((o) => o.uniqueId === c.uniqueId || o.name === c.name));
  const retype = shadow.columns.map((c, i) => {
    const o = origin.columns[pos[i] as number];
    return o !== undefined && primitiveTypeName(o.type) !== primitiveTypeName(c.type);
  });
  return (row) =>
    shadow.columns.map((c, i) => {
      const p = pos[i] as number;
      const v = p >= 0 ? (row[p] as Value) : null;
      return retype[i] && v !== null ? coerceValue(v, c.type) : v;
    });
}
