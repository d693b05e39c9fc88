// The simulated Doris cluster: one ClusterState plus the services that read and change it.
// Pure and synchronous: no I/O, no timers; time comes from the injected clock and background
// work (publish, alter jobs, GC, repair, dynamic partitions) advances through advance().
import { AlterJobs } from './alter-jobs.js';
import { BinlogService } from './binlog-service.js';
import { findDb, findTable, requireDb, requireOlapTable } from './catalog.js';
import { initialState, type ClusterInit } from './cluster-init.js';
import type { ModelContext, PredicateCompiler } from './context.js';
import { DdlService } from './ddl-service.js';
import { ddlError } from './errors.js';
import { Housekeeping } from './housekeeping.js';
import { Loads } from './loads.js';
import { MetaService } from './meta-service.js';
import { orderedPartitions, scanIndex, type ScanResult } from './scan.js';
import { MiscShow } from './show-misc.js';
import { RestoreSupport } from './restore-support.js';
import { ProcShow } from './show-proc.js';
import { decodeState, encodeState } from './snapshot.js';
import type { Clock, ClusterState, DatabaseState, OlapTableState, TableState } from './state.js';
import { StorageService } from './storage-service.js';
import { SystemService } from './system-service.js';
import { Transactions } from './transactions.js';

export interface ClusterModelOptions extends Omit<ClusterInit, 'nowMs'> {
  clock: Clock;
  /** Compiles DELETE predicates (from the SQL layer); DELETE fails without it. */
  compilePredicate?: PredicateCompiler | undefined;
}

export interface ScanOptions {
  /** A rollup name (default: the base index). */
  index?: string | undefined;
  /** Partition names (default: all formal partitions). */
  partitions?: string[] | undefined;
  temporaryPartitions?: boolean | undefined;
}

/** Read-only catalog lookups for the SQL executor and the RPC layers. */
export class CatalogView {
  constructor(private readonly ctx: ModelContext) {}

  /** Databases by id. */
  databases(): DatabaseState[] {
    return [...this.ctx.state.dbs.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  database(name: string): DatabaseState | undefined {
    return findDb(this.ctx.state, name);
  }

  databaseById(id: bigint): DatabaseState | undefined {
    return this.ctx.state.dbs.get(id);
  }

  /** Tables and views of a database by id; throws "Unknown database". */
  tables(db: string): TableState[] {
    return [...requireDb(this.ctx.state, db).tables.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  table(db: string, name: string): TableState | undefined {
    const d = findDb(this.ctx.state, db);
    return d ? findTable(d, name) : undefined;
  }

  tableById(id: bigint): { db: DatabaseState; table: TableState } | undefined {
    for (const db of this.ctx.state.dbs.values()) {
      const table = db.tables.get(id);
      if (table) return { db, table };
    }
    return undefined;
  }
}

export class ClusterModel {
  readonly state: ClusterState;
  private readonly ctx: ModelContext;
  readonly catalog: CatalogView;
  readonly system: SystemService;
  readonly txns: Transactions;
  readonly loads: Loads;
  readonly alter: AlterJobs;
  readonly ddl: DdlService;
  readonly binlogs: BinlogService;
  readonly meta: MetaService;
  readonly storage: StorageService;
  /** Catalog changes of RESTORE jobs (no CREATE_TABLE binlogs, restored versions, table swaps). */
  readonly restore: RestoreSupport;
  /** SHOW PROC paths, SHOW BACKENDS, frontends(), SHOW TABLE <id>, SHOW PARTITIONS. */
  readonly proc: ProcShow;
  /** SHOW CREATE …, SHOW TRANSACTION, SHOW ALTER TABLE, DESC, ADMIN SHOW FRONTEND CONFIG. */
  readonly show: MiscShow;
  private readonly housekeeping: Housekeeping;

  constructor(options: ClusterModelOptions, state?: ClusterState) {
    const { clock, compilePredicate, ...init } = options;
    this.state = state ?? initialState({ ...init, nowMs: clock() });
    this.ctx = { state: this.state, clock, compilePredicate };
    this.catalog = new CatalogView(this.ctx);
    this.system = new SystemService(this.ctx);
    this.txns = new Transactions(this.ctx);
    this.loads = new Loads(this.ctx, this.txns);
    this.alter = new AlterJobs(this.ctx);
    this.ddl = new DdlService(this.ctx, this.alter);
    this.binlogs = new BinlogService(this.ctx);
    this.meta = new MetaService(this.ctx);
    this.storage = new StorageService(this.ctx);
    this.restore = new RestoreSupport(this.ctx);
    this.proc = new ProcShow(this.ctx);
    this.show = new MiscShow(this.ctx);
    this.housekeeping = new Housekeeping(this.ctx, this.txns, this.alter, this.binlogs);
  }

  /**
   * The visible rows of a table (or one rollup, or some partitions), merged with the table's
   * key semantics. Columns are the index's current columns.
   */
  scan(db: string, table: string, opts: ScanOptions = {}): ScanResult {
    const t: OlapTableState = requireOlapTable(requireDb(this.state, db), table);
    const index = opts.index === undefined ? t.indexes.get(t.baseIndexId) : [...t.indexes.values()].find((i) => i.name === opts.index && i.state === 'NORMAL');
    if (!index) throw ddlError(`Index[${opts.index ?? ''}] does not exist in table[${t.name}]`);
    const temp = opts.temporaryPartitions ?? false;
    const partitions = opts.partitions
      ? opts.partitions.map((n) => {
          const p = [...t.partitions.values()].find((x) => x.name === n && x.isTemp === temp);
          if (!p) throw ddlError(`Partition[${n}] does not exist`);
          return p;
        })
      : orderedPartitions(t, temp);
    return scanIndex(this.ctx, t, index, partitions);
  }

  /** One pass of the background daemons (publish, repair, recycle bin, dynamic partitions, jobs, GC). */
  advance(): void {
    this.housekeeping.advance();
  }

  /** One step of every alter job (PENDING → WAITING_TXN → RUNNING → FINISHED); returns how many moved. */
  advanceJobs(): number {
    return this.alter.advanceAll();
  }

  /** Fault switch: hold publishing (commits report not-yet-visible) or release it. */
  setPublishHold(hold: boolean): void {
    this.state.holdPublish = hold;
    if (!hold) this.txns.publishReady();
  }

  /** The commit seq the next logged operation will get. */
  nextCommitSeq(): bigint {
    return this.state.nextJournalId;
  }

  /** The whole state as JSON text (bigints, Maps and shared objects preserved). */
  toJSON(): string {
    return encodeState(this.state);
  }

  /** Rebuilds a model from toJSON() output. */
  static fromJSON(text: string, options: ClusterModelOptions): ClusterModel {
    return new ClusterModel(options, decodeState(text));
  }
}
