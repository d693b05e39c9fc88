// Tablet metadata (getMeta) of one side of a job, cached per table. Partitions, indexes and
// tablets change only through operations the job sees as binlogs (partition DDL, truncate,
// schema change, restore), which invalidate the affected table; a metadata mismatch or a
// failed ingest invalidates it too and the caller re-plans with fresh data.
import type { TGetMetaDBMeta, TGetMetaTableMeta } from '../doris/types.js';
import type { ClusterSide } from './cluster.js';

export class MetaCache {
  private readonly tables = new Map<bigint, TGetMetaTableMeta>();
  private dropped: Pick<TGetMetaDBMeta, 'dropped_partitions' | 'dropped_tables' | 'dropped_indexes' | 'dropped_partition_map' | 'dropped_table_map' | 'dropped_index_map'> = {};
  private dbId: bigint | undefined;

  constructor(private readonly side: ClusterSide) {}

  /**
   * Metadata of `tableIds`, fetching the ones not cached (or all of them with `fresh`).
   * Tables the FE does not know are absent from the result, as getMeta reports them.
   */
  async get(tableIds: readonly bigint[], signal: AbortSignal, fresh = false): Promise<{ meta: TGetMetaDBMeta; cached: boolean }> {
    const missing = fresh ? [...tableIds] : tableIds.filter((id) => !this.tables.has(id));
    if (missing.length > 0) {
      const meta = await this.side.getMeta(missing, signal);
      this.dbId = meta.id;
      for (const id of missing) this.tables.delete(id);
      for (const t of meta.tables ?? []) if (t.id !== undefined) this.tables.set(t.id, t);
      this.dropped = {
        dropped_partitions: meta.dropped_partitions,
        dropped_tables: meta.dropped_tables,
        dropped_indexes: meta.dropped_indexes,
        dropped_partition_map: meta.dropped_partition_map,
        dropped_table_map: meta.dropped_table_map,
        dropped_index_map: meta.dropped_index_map,
      };
    }
    const tables = tableIds.map((id) => this.tables.get(id)).filter((t): t is TGetMetaTableMeta => t !== undefined);
    return { meta: { id: this.dbId, tables, ...this.dropped }, cached: missing.length === 0 };
  }

  invalidate(tableId?: bigint): void {
    if (tableId === undefined) this.tables.clear();
    else this.tables.delete(tableId);
  }
}
