// Loads: INSERT, stream load, DELETE and UPDATE-as-upsert all run as one transaction that
// writes a rowset to every replica of every tablet of each touched partition (rows routed to
// partitions by range/list value and to buckets by the distribution columns), then commits
// and publishes it, which logs the UPSERT binlog. INSERT OVERWRITE follows Doris >= 2.1.6:
// temporary partitions iot_temp_<p> are created, loaded and swapped in with REPLACE
// PARTITION (strict range, formal names kept), so the binlog stream shows ADD_PARTITION
// (temporary), UPSERT (temporary partitions) and REPLACE_PARTITIONS.
import { StatusCode } from '../../doris/types.js';
import { bucketOf } from './bucket-hash.js';
import { findPartition, requireDb, requireOlapTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { logAddPartition, replacePartitions } from './ddl-partition.js';
import { ddlError, DorisError, DorisErrNo, missingPartition } from './errors.js';
import { itemContains, primitiveTypeName, rowKey } from './partition-key.js';
import { columnDefault, orderedPartitions, readTablet } from './scan.js';
import type { IndexState, OlapTableState, PartitionState, TxnState } from './state.js';
import { newRowset, stageOnReplica } from './storage.js';
import { createPartition } from './table-builder.js';
import { DEFAULT_TXN_TIMEOUT_MS, type TabletCommitInfo, type Transactions } from './transactions.js';
import { coerceValue, type Value } from './value.js';

export type LoadData =
  /** Rows in `columns` order (default: all columns in table order); missing columns take defaults. */
  | { kind: 'rows'; columns?: string[] | undefined; rows: Value[][]; deleteSign?: boolean[] | undefined }
  /** DELETE FROM t WHERE <where>: a delete-predicate rowset, or delete-sign rows on UNIQUE tables. */
  | { kind: 'delete'; where: string };

export interface LoadOptions {
  /** Unique per database among non-aborted transactions; generated when absent. */
  label?: string | undefined;
  /** FRONTEND (INSERT, DELETE) or BACKEND_STREAMING (stream load). */
  sourceType?: string | undefined;
  coordinator?: string | undefined;
  /** Target partitions (PARTITION (p1, p2)); rows outside them are filtered. */
  partitions?: string[] | undefined;
  /** The named partitions are temporary partitions (TEMPORARY PARTITION (…)). */
  temporaryPartitions?: boolean | undefined;
  /** Fraction of rows that may be filtered before the load fails (default 0). */
  maxFilterRatio?: number | undefined;
}

export interface LoadResult {
  txnId: bigint;
  label: string;
  /** COMMITTED when publishing is held: the data becomes visible later. */
  status: 'VISIBLE' | 'COMMITTED';
  loadedRows: number;
  filteredRows: number;
}

interface PreparedRows {
  rows: Value[][];
  signs: number[] | undefined;
  filtered: number;
}

export class Loads {
  constructor(
    private readonly ctx: ModelContext,
    private readonly txns: Transactions,
  ) {}

  /** Runs one load as a transaction; throws DorisError (and aborts the transaction) on failure. */
  load(dbName: string, tableName: string, data: LoadData, opts: LoadOptions = {}): LoadResult {
    const db = requireDb(this.ctx.state, dbName);
    const table = requireOlapTable(db, tableName);
    const targets = this.targetPartitions(table, opts);
    if (data.kind === 'delete') return this.delete(table, data.where, targets, opts);
    const prepared = this.prepare(table, data);
    return this.writeAll(table, prepared, targets, opts, data.rows.length);
  }

  /**
   * INSERT OVERWRITE TABLE t [PARTITION (p…)]: loads `data` into temporary copies of the
   * target partitions and replaces the targets with them.
   */
  insertOverwrite(dbName: string, tableName: string, data: Extract<LoadData, { kind: 'rows' }>, opts: LoadOptions = {}): LoadResult | undefined {
    const db = requireDb(this.ctx.state, dbName);
    const table = requireOlapTable(db, tableName);
    const targets = this.targetPartitions(table, { ...opts, temporaryPartitions: false });
    const temps: PartitionState[] = [];
    for (const p of targets) {
      const name = `iot_temp_${p.name}`;
      if (findPartition(table, name, true)) throw ddlError(`Duplicate partition name ${name}`);
      const tp = createPartition(this.ctx, table, {
        name,
        isTemp: true,
        item: p.item,
        buckets: p.buckets,
        replicationNum: p.replicationNum,
      });
      logAddPartition(this.ctx, db, table, tp);
      temps.push(tp);
    }
    let result: LoadResult | undefined;
    if (data.rows.length > 0) {
      result = this.writeAll(table, this.prepare(table, data), temps, opts, data.rows.length);
    }
    replacePartitions(
      this.ctx,
      dbName,
      table.name,
      targets.map((p) => p.name),
      temps.map((p) => p.name),
      { strictRange: true, useTempPartitionName: false, force: true },
    );
    return result;
  }

  private targetPartitions(table: OlapTableState, opts: LoadOptions): PartitionState[] {
    const temp = opts.temporaryPartitions ?? false;
    if (!opts.partitions || opts.partitions.length === 0) return orderedPartitions(table, false);
    return opts.partitions.map((n) => findPartition(table, n, temp) ?? raise(missingPartition(n)));
  }

  /** A label no other transaction has: every transaction draws an id, so nextId never repeats. */
  private nextLabel(prefix: string): string {
    return `${prefix}_${this.ctx.clock().toString(16)}_${this.ctx.state.nextId.toString(16)}`;
  }

  private begin(table: OlapTableState, opts: LoadOptions, prefix: string): TxnState {
    return this.txns.begin({
      dbId: table.dbId,
      label: opts.label ?? this.nextLabel(prefix),
      tableIds: [table.id],
      sourceType: opts.sourceType ?? 'FRONTEND',
      coordinator: opts.coordinator ?? 'FE: 127.0.0.1',
      timeoutMs: DEFAULT_TXN_TIMEOUT_MS,
    });
  }

  /** Coerces input rows into full table rows (filtering rows that do not fit the schema). */
  private prepare(table: OlapTableState, data: Extract<LoadData, { kind: 'rows' }>): PreparedRows {
    const cols = table.columns;
    const names = data.columns ?? cols.map((c) => c.name);
    const pos = cols.map((c) => names.indexOf(c.name));
    for (const n of names) {
      if (!cols.some((c) => c.name === n)) throw new DorisError(DorisErrNo.BAD_FIELD, `Unknown column '${n}' in '${table.name}'`);
    }
    const now = this.ctx.clock();
    const defaults = cols.map((c) => columnDefault(c, now));
    // AUTO_INCREMENT: a value is generated when the column is not loaded or is loaded as NULL
    // (Doris fills NULLs of the NOT NULL auto-increment column). Only the source's loads do
    // this: ingest_binlog and restore copy rowsets with their values.
    const autoInc = cols.findIndex((c) => c.autoIncrement === true);
    const nextAutoInc = (): bigint => {
      const c = cols[autoInc] as (typeof cols)[number];
      const v = table.autoIncrementNext ?? BigInt(c.autoIncrementStart ?? 1);
      table.autoIncrementNext = v + 1n;
      return v;
    };
    const rows: Value[][] = [];
    const signs: number[] | undefined = table.keysType === 'UNIQUE_KEYS' && data.deleteSign ? [] : undefined;
    let filtered = 0;
    data.rows.forEach((input, r) => {
      const out: Value[] = new Array<Value>(cols.length);
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i] as (typeof cols)[number];
        const p = pos[i] as number;
        let v: Value = p >= 0 ? (input[p] ?? null) : (defaults[i] as Value);
        if (i === autoInc && v === null) v = nextAutoInc();
        try {
          if (v !== null) v = coerceValue(v, c.type);
        } catch {
          filtered++;
          return;
        }
        if (v === null && !c.nullable) {
          filtered++;
          return;
        }
        out[i] = v;
      }
      rows.push(out);
      signs?.push(data.deleteSign?.[r] ? 1 : 0);
    });
    return { rows, signs, filtered };
  }

  private writeAll(
    table: OlapTableState,
    prepared: PreparedRows,
    candidates: PartitionState[],
    opts: LoadOptions,
    total: number,
  ): LoadResult {
    const groups = this.route(table, prepared, candidates);
    const filtered = prepared.filtered + groups.unrouted;
    const maxRatio = opts.maxFilterRatio ?? 0;
    if (total > 0 && filtered / total > maxRatio) {
      throw new DorisError(
        DorisErrNo.UNKNOWN,
        `Insert has too many filtered data ${filtered}/${total} insert_max_filter_ratio is ${maxRatio.toFixed(6)}.`,
        StatusCode.ANALYSIS_ERROR,
      );
    }
    const loaded = prepared.rows.length - groups.unrouted;
    if (groups.byPartition.size === 0) {
      // Nothing to write: Doris answers OK without a transaction.
      return { txnId: -1n, label: opts.label ?? '', status: 'VISIBLE', loadedRows: 0, filteredRows: filtered };
    }
    const txn = this.begin(table, opts, opts.sourceType === 'BACKEND_STREAMING' ? 'stream_load' : 'insert');
    try {
      const infos: TabletCommitInfo[] = [];
      for (const [partition, g] of groups.byPartition) this.writePartition(txn, table, partition, g.rows, g.signs, infos);
      return this.finish(txn, infos, loaded, filtered);
    } catch (e) {
      this.abortQuietly(txn, e);
      throw e;
    }
  }

  private route(
    table: OlapTableState,
    prepared: PreparedRows,
    candidates: PartitionState[],
  ): { byPartition: Map<PartitionState, { rows: Value[][]; signs: number[] | undefined }>; unrouted: number } {
    const byPartition = new Map<PartitionState, { rows: Value[][]; signs: number[] | undefined }>();
    const keyPos = table.partitionColumns.map((n) => table.columns.findIndex((c) => c.name === n));
    const types = keyPos.map((p) => primitiveTypeName((table.columns[p] as (typeof table.columns)[number]).type));
    let unrouted = 0;
    prepared.rows.forEach((row, i) => {
      let target: PartitionState | undefined;
      if (table.partitionType === 'UNPARTITIONED') target = candidates[0];
      else {
        const key = rowKey(keyPos.map((p) => row[p] as Value), types);
        target = candidates.find((p) => p.item !== undefined && itemContains(p.item, key));
        if (!target && table.partitionType === 'LIST') {
          target = candidates.find((p) => p.item?.kind === 'LIST' && p.item.keys.some((k) => k.isDefault));
        }
      }
      if (!target) {
        unrouted++;
        return;
      }
      let g = byPartition.get(target);
      if (!g) byPartition.set(target, (g = { rows: [], signs: prepared.signs ? [] : undefined }));
      g.rows.push(row);
      g.signs?.push(prepared.signs?.[i] ?? 0);
    });
    return { byPartition, unrouted };
  }

  /** Writes one rowset per tablet of every index (shadow indexes included) of the partition. */
  private writePartition(
    txn: TxnState,
    table: OlapTableState,
    partition: PartitionState,
    rows: Value[][],
    signs: number[] | undefined,
    infos: TabletCommitInfo[],
  ): void {
    const distPos = table.distribution.columns.map((n) => table.columns.findIndex((c) => c.name === n));
    const buckets = partition.buckets;
    const bucketRows: number[][] = Array.from({ length: buckets }, () => []);
    let rr = Number(txn.id % BigInt(buckets));
    rows.forEach((row, i) => {
      const b = table.distribution.type === 'HASH' ? bucketOf(distPos.map((p) => row[p] as Value), buckets) : rr++ % buckets;
      (bucketRows[b] as number[]).push(i);
    });
    for (const index of table.indexes.values()) {
      const project = this.projector(table, index);
      const tablets = partition.tablets.get(index.id) ?? [];
      tablets.forEach((tabletId, b) => {
        const idx = bucketRows[b] ?? [];
        const rs = newRowset(
          this.ctx,
          txn.id,
          index.columns.map((c) => c.uniqueId),
          idx.map((i) => project(rows[i] as Value[])),
          { deleteSign: signs ? idx.map((i) => signs[i] ?? 0) : undefined },
        );
        this.stage(tabletId, rs, infos);
      });
    }
  }

  private stage(tabletId: bigint, rs: ReturnType<typeof newRowset>, infos: TabletCommitInfo[]): void {
    const tablet = this.ctx.state.tablets.get(tabletId);
    for (const r of tablet?.replicas ?? []) {
      if (this.ctx.state.backends.get(r.backendId)?.alive !== true) continue;
      stageOnReplica(this.ctx.state, tabletId, r.backendId, rs);
      infos.push({ tabletId, backendId: r.backendId });
    }
  }

  /** Maps a full table row onto an index's columns (converting types for shadow indexes). */
  private projector(table: OlapTableState, index: IndexState): (row: Value[]) => Value[] {
    const pos = index.columns.map((c) => table.columns.findIndex((t) => t.name === c.name));
    const same = index.columns.map((c, i) => {
      const src = table.columns[pos[i] as number];
      return src !== undefined && primitiveTypeName(src.type) === primitiveTypeName(c.type);
    });
    if (index.id === table.baseIndexId) return (row) => row;
    return (row) =>
      index.columns.map((c, i) => {
        const v = (pos[i] as number) >= 0 ? (row[pos[i] as number] as Value) : null;
        return same[i] || v === null ? v : coerceValue(v, c.type);
      });
  }

  private finish(txn: TxnState, infos: TabletCommitInfo[], loaded: number, filtered: number): LoadResult {
    const { visible } = this.txns.commit(txn.dbId, txn.id, infos);
    return { txnId: txn.id, label: txn.label, status: visible ? 'VISIBLE' : 'COMMITTED', loadedRows: loaded, filteredRows: filtered };
  }

  private abortQuietly(txn: TxnState, cause: unknown): void {
    if (txn.status !== 'PREPARE') return;
    this.txns.abort(txn.dbId, txn.id, cause instanceof Error ? cause.message : String(cause));
  }

  private delete(table: OlapTableState, where: string, targets: PartitionState[], opts: LoadOptions): LoadResult {
    const compile = this.ctx.compilePredicate;
    if (!compile) throw ddlError('DELETE needs a predicate compiler');
    if (table.keysType === 'UNIQUE_KEYS') {
      // Merge-on-write UNIQUE tables: DELETE becomes an insert of the matching rows with the
      // delete sign set.
      const base = table.indexes.get(table.baseIndexId) as IndexState;
      const test = compile(where, base.columns);
      const rows: Value[][] = [];
      for (const p of targets) {
        for (const tabletId of p.tablets.get(base.id) ?? []) {
          for (const r of readTablet(this.ctx, table, base, tabletId, p.visibleVersion)) if (test(r)) rows.push(r);
        }
      }
      const signs = rows.map(() => 1);
      return this.writeAll(table, { rows, signs, filtered: 0 }, targets, { ...opts, label: opts.label ?? this.nextLabel('delete') }, rows.length);
    }
    for (const index of table.indexes.values()) compile(where, index.columns);
    const txn = this.begin(table, { ...opts, label: opts.label ?? this.nextLabel('delete') }, 'delete');
    try {
      const infos: TabletCommitInfo[] = [];
      for (const p of targets) {
        for (const index of table.indexes.values()) {
          for (const tabletId of p.tablets.get(index.id) ?? []) {
            const rs = newRowset(this.ctx, txn.id, index.columns.map((c) => c.uniqueId), [], { deletePredicate: where });
            this.stage(tabletId, rs, infos);
          }
        }
      }
      return this.finish(txn, infos, 0, 0);
    } catch (e) {
      this.abortQuietly(txn, e);
      throw e;
    }
  }
}

function raise(e: Error): never {
  throw e;
}
