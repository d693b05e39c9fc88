// getBinlog with Doris semantics (doc/doris-protocol.md §2.1): binlogs strictly after the
// cursor; TOO_NEW = caught up; TOO_OLD = the binlogs were garbage-collected and the reply is
// the DUMMY. When a batch comes back full the next one is fetched while this one is applied.
import { BinlogType, StatusCode, type TBinlog } from '../doris/types.js';
import { CcrError } from '../errors/ccr-error.js';
import { checkStatus } from './classify.js';
import type { JobContext } from './job-context.js';

export type FetchResult =
  | { kind: 'binlogs'; binlogs: TBinlog[] }
  | { kind: 'caught-up' }
  | { kind: 'too-old'; dummy: TBinlog };

export class BinlogFetcher {
  private prefetched: { after: bigint; result: Promise<FetchResult> } | undefined;

  constructor(private readonly ctx: JobContext) {}

  /** Binlogs after `after`; may come from a fetch started by the previous call. */
  async next(after: bigint, signal: AbortSignal): Promise<FetchResult> {
    const pending = this.prefetched?.after === after ? this.prefetched.result : undefined;
    this.prefetched = undefined;
    const result = await (pending ?? this.fetch(after, signal));
    if (result.kind === 'binlogs' && result.binlogs.length >= this.ctx.config.binlogBatchSize) {
      const last = result.binlogs[result.binlogs.length - 1]?.commit_seq;
      if (last !== undefined) {
        const ahead = this.fetch(last, signal);
        ahead.catch(() => undefined); // consumed (or dropped) by the next call
        this.prefetched = { after: last, result: ahead };
      }
    }
    return result;
  }

  /** Drops a prefetched batch (after the cursor moved back, e.g. a retry). */
  reset(): void {
    this.prefetched = undefined;
  }

  private async fetch(after: bigint, signal: AbortSignal): Promise<FetchResult> {
    const spec = this.ctx.spec();
    const table = this.ctx.kind === 'table' ? { table: spec.src.table, table_id: spec.src.tableId > 0n ? spec.src.tableId : undefined } : {};
    const res = await this.ctx.src.fe.getBinlog(
      {
        ...this.ctx.src.auth(),
        db: spec.src.database,
        ...table,
        prev_commit_seq: after,
        num_acquired: BigInt(this.ctx.config.binlogBatchSize),
      },
      signal,
    );
    const code = res.status?.status_code;
    if (code === StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ) return { kind: 'caught-up' };
    if (code === StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ) {
      const dummy = res.binlogs?.[0];
      if (dummy && dummy.type === BinlogType.DUMMY) return { kind: 'too-old', dummy };
    }
    checkStatus(res.status, 'source', 'getBinlog', { after: after.toString() });
    const binlogs = (res.binlogs ?? []).filter((b) => b.commit_seq !== undefined && b.commit_seq > after);
    if (binlogs.length === 0) {
      // Doris never answers OK with nothing after the cursor; treat it as a transient fault.
      throw new CcrError('CCR_E0301', `getBinlog on the source answered OK without binlogs after ${after}`, {
        category: 'fe',
        disposition: 'retry',
      });
    }
    return { kind: 'binlogs', binlogs };
  }
}
