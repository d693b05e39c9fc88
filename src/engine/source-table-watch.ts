// A table job reads the binlog list of one source table id. DROP TABLE writes its binlog to the
// database list only, so a job whose table was dropped — and perhaps recreated under the same
// name with a new id — would otherwise sit "caught up" forever (Go syncer issue #654). While
// caught up, the job checks now and then that its table name still resolves to its table id.
import type { JobContext } from './job-context.js';

export type SourceTableChange =
  /** The name now belongs to another table and the replicated id is gone. */
  | { kind: 'recreated'; oldId: bigint; newId: bigint }
  /** Neither the name nor the id exists on the source any more. */
  | { kind: 'missing'; id: bigint };

export class SourceTableWatch {
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private missing = false;

  constructor(
    private readonly ctx: JobContext,
    /** How often to look while nothing else shows the job is alive. */
    private readonly everyMs: number,
  ) {}

  /** Checks when due (always while the table was last seen missing); undefined = unchanged. */
  async check(signal: AbortSignal): Promise<SourceTableChange | undefined> {
    const now = this.ctx.now();
    if (!this.missing && now - this.lastCheckMs < this.everyMs) return undefined;
    this.lastCheckMs = now;
    const spec = this.ctx.spec().src;
    const res = await this.ctx.src.query(`SHOW PROC '/dbs/${spec.dbId}/'`, signal);
    const idOf = (r: Record<string, string | null>) => BigInt(r.TableId ?? '0');
    const byName = res.rows.find((r) => r.TableName === spec.table);
    // Still there, or renamed (its RENAME_TABLE binlog comes next in the table's list).
    const alive = res.rows.some((r) => idOf(r) === spec.tableId);
    this.missing = !alive && byName === undefined;
    if (alive) return undefined;
    if (byName) return { kind: 'recreated', oldId: spec.tableId, newId: idOf(byName) };
    return { kind: 'missing', id: spec.tableId };
  }
}
