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
  private loading: Promise<void> | undefined;

  constructor(private readonly side: ClusterSide) {}

  /**
   * Metadata of `tableIds`, fetching the ones not cached (or all of them with `fresh`).
   * Tables the FE does not know are absent from the result, as getMeta reports them.
   * Callers that arrive while a fetch runs wait for it first: the upserts a pipeline prepares
   * at once after a start would otherwise each send the same getMeta.
   */
  async get(tableIds: readonly bigint[], signal: AbortSignal, fresh = false): Promise<{ meta: TGetMetaDBMeta; cached: boolean }> {
    if (!fresh && this.loading) await this.loading.catch(() => undefined);
    const missing = fresh ? [...tableIds] : tableIds.filter((id) => !this.tables.has(id));
    if (missing.length > 0) {
      const load = this.load(missing, signal);
      this.loading = load;
      try {
        await load;
      } finally {
        if (this.loading === load) this.loading = undefined;
      }
    }
    const tables = tableIds.map((id) => this.tables.get(id)).filter((t): t is TGetMetaTableMeta => t !== undefined);
    return { meta: { id: this.dbId, tables, ...this.dropped }, cached: missing.length === 0 };
  }

  private async load(tableIds: bigint[], signal: AbortSignal): Promise<void> {
    const meta = await this.side.getMeta(tableIds, signal);
    this.dbId = meta.id;
    for (const id of tableIds) this.tables.delete(id);
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

  invalidate(tableId?: bigint): void {
    this.loading = undefined; // whoever asks next fetches after the change instead of waiting
    if (tableId === undefined) this.tables.clear();
    else this.tables.delete(tableId);
  }
}
