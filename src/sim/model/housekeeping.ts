// The FE/BE background daemons, run one pass at a time so time and ordering stay under the
// caller's control: transaction timeouts, publishing, replica repair (clone), recycle bin
// expiry, the dynamic partition scheduler, periodic binlog GC and one step of every alter job.
import type { AlterJobs } from './alter-jobs.js';
import type { BinlogService } from './binlog-service.js';
import type { ModelContext } from './context.js';
import { eraseTable, partitionTabletIds } from './ddl-table.js';
import { runDynamicPartitions } from './dynamic-partition.js';
import { logOperation } from './journal.js';
import { removeTablets, repairTablet } from './storage.js';
import type { Transactions } from './transactions.js';

export class Housekeeping {
  constructor(
    private readonly ctx: ModelContext,
    private readonly txns: Transactions,
    private readonly jobs: AlterJobs,
    private readonly binlogs: BinlogService,
  ) {}

  /** One pass of every background task. */
  advance(): void {
    this.txns.expireTimedOut();
    this.txns.publishReady();
    this.repairReplicas();
    this.eraseExpiredRecycleBin();
    runDynamicPartitions(this.ctx);
    this.jobs.advanceAll();
    const intervalMs = Number(this.ctx.state.feConfig.get('binlog_gc_interval_seconds')?.value ?? '600') * 1000;
    const now = this.ctx.clock();
    if (now - this.ctx.state.lastBinlogGcMs >= intervalMs) {
      this.ctx.state.lastBinlogGcMs = now;
      this.binlogs.gc();
    }
  }

  /** Tablet repair: lagging replicas on alive backends catch up from a complete replica. */
  repairReplicas(): void {
    for (const db of this.ctx.state.dbs.values()) {
      for (const t of db.tables.values()) {
        if (t.kind !== 'OLAP') continue;
        for (const p of t.partitions.values()) {
          for (const id of partitionTabletIds(p)) {
            const tablet = this.ctx.state.tablets.get(id);
            if (tablet) repairTablet(this.ctx.state, tablet, p.visibleVersion);
          }
        }
      }
    }
  }

  /** Erases recycle-bin entries older than catalog_trash_expire_second (journaled). */
  eraseExpiredRecycleBin(): void {
    const ttlMs = Number(this.ctx.state.feConfig.get('catalog_trash_expire_second')?.value ?? '86400') * 1000;
    const now = this.ctx.clock();
    for (const [id, r] of this.ctx.state.recycleTables) {
      if (r.dropTimeMs + ttlMs > now) continue;
      eraseTable(this.ctx, r.table);
      this.ctx.state.recycleTables.delete(id);
      logOperation(this.ctx);
    }
    for (const [id, r] of this.ctx.state.recyclePartitions) {
      if (r.dropTimeMs + ttlMs > now) continue;
      removeTablets(this.ctx.state, partitionTabletIds(r.partition));
      this.ctx.state.recyclePartitions.delete(id);
      logOperation(this.ctx);
    }
  }
}
