// The `meta` bytes of a snapshot: Doris serialises a BackupMeta (the copied table definitions)
// with its own Writable encoding; clients treat the bytes as opaque and hand them back to
// restoreSnapshot unchanged. Ours is a tagged JSON document of the tables' definitions, their
// partitions (id, visible version) and indexes, which the restore job parses.
import { formalPartitions, visibleIndexes } from '../model/catalog.js';
import type { ColumnDef, TableDef, ViewDef } from '../model/schema.js';
import type { OlapTableState, ViewState } from '../model/state.js';
import { tableDefOf } from '../model/table-def.js';

export interface BackupPartitionMeta {
  id: bigint;
  name: string;
  version: bigint;
  buckets: number;
  replicationNum: number;
}

export interface BackupIndexMeta {
  id: bigint;
  name: string;
  schemaHash: number;
}

export interface BackupOlapTableMeta {
  type: 'OLAP';
  id: bigint;
  name: string;
  /** The definition to recreate the table from (partitions restricted to the backed-up ones). */
  def: TableDef;
  partitions: BackupPartitionMeta[];
  /** Visible indexes, base index first. */
  indexes: BackupIndexMeta[];
}

export interface BackupViewMeta {
  type: 'VIEW';
  id: bigint;
  name: string;
  def: ViewDef;
  schema: ColumnDef[];
}

export type BackupTableMeta = BackupOlapTableMeta | BackupViewMeta;

export interface BackupMetaDoc {
  tables: BackupTableMeta[];
}

const HEADER = 'DORIS_SIM_BACKUP_META 1\n';

/**
 * A copy of an OLAP table's metadata restricted to `partitions` (undefined = all formal
 * partitions), as OlapTable.selectiveCopy does for a backup.
 */
export function olapTableMeta(table: OlapTableState, partitions?: string[]): BackupOlapTableMeta {
  const def = tableDefOf(table, { withRollups: true });
  const parts = formalPartitions(table)
    .filter((p) => partitions === undefined || partitions.includes(p.name))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
  const keep = new Set(parts.map((p) => p.name));
  const byName = new Map(parts.map((p) => [p.name, p]));
  const perPartition = <T extends { name: string; distribution?: unknown; properties?: Record<string, string> | undefined }>(pd: T): T => {
    const p = byName.get(pd.name);
    if (!p) return pd;
    const out = { ...pd };
    if (p.buckets !== table.distribution.buckets) {
      out.distribution = table.distribution.type === 'HASH'
        ? { type: 'HASH', columns: [...table.distribution.columns], buckets: p.buckets }
        : { type: 'RANDOM', buckets: p.buckets };
    }
    if (p.replicationNum !== table.replicationNum) out.properties = { ...(pd.properties ?? {}), replication_num: String(p.replicationNum) };
    return out;
  };
  // A synced copy keeps the source's bucket numbers: BUCKETS AUTO is restored as the actual
  // number with the _auto_bucket marker (see the is_being_synced manual page).
  if (def.distribution.buckets === 'AUTO') {
    def.distribution = { ...def.distribution, buckets: table.distribution.buckets };
    def.properties = { ...def.properties, _auto_bucket: 'true' };
  }
  if (def.partition.type === 'RANGE') def.partition = { ...def.partition, ranges: def.partition.ranges.filter((r) => keep.has(r.name)).map(perPartition) };
  if (def.partition.type === 'LIST') def.partition = { ...def.partition, lists: def.partition.lists.filter((l) => keep.has(l.name)).map(perPartition) };
  return {
    type: 'OLAP',
    id: table.id,
    name: table.name,
    def,
    partitions: parts.map((p) => ({ id: p.id, name: p.name, version: p.visibleVersion, buckets: p.buckets, replicationNum: p.replicationNum })),
    indexes: visibleIndexes(table).map((i) => ({ id: i.id, name: i.name, schemaHash: i.schemaHash })),
  };
}

export function viewMeta(view: ViewState): BackupViewMeta {
  return { type: 'VIEW', id: view.id, name: view.name, def: { ...view.def }, schema: view.schema.map((c) => ({ ...c })) };
}

export function encodeBackupMeta(doc: BackupMetaDoc): Buffer {
  const json = JSON.stringify(doc, (_k, v: unknown) => (typeof v === 'bigint' ? { $b: v.toString() } : v));
  return Buffer.from(HEADER + json, 'utf8');
}

/** Parses meta bytes; throws an Error when they are not a backup meta of ours. */
export function decodeBackupMeta(bytes: Buffer): BackupMetaDoc {
  const text = bytes.toString('utf8');
  if (!text.startsWith(HEADER)) throw new Error('not a backup meta');
  const doc = JSON.parse(text.slice(HEADER.length), (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as { $b?: unknown }).$b === 'string' && Object.keys(v).length === 1
      ? BigInt((v as { $b: string }).$b)
      : v,
  ) as BackupMetaDoc;
  if (!Array.isArray(doc.tables)) throw new Error('backup meta has no tables');
  return doc;
}
