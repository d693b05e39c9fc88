// The definition of an existing table as a TableDef: what CREATE TABLE … LIKE copies and what
// a backup stores as the table's metadata (so a restore can recreate it).
import { formalPartitions, visibleIndexes } from './catalog.js';
import type { ListPartitionDef, PartitionDef, PartitionKeyLiteral, RangePartitionDef, TableDef } from './schema.js';
import type { ColumnMeta, OlapTableState } from './state.js';
import { compareItems } from './partition-key.js';

function plainColumn(c: ColumnMeta): TableDef['columns'][number] {
  return { ...c };
}

function partitionDefOf(table: OlapTableState): PartitionDef {
  if (table.partitionType === 'UNPARTITIONED') return { type: 'UNPARTITIONED' };
  const parts = formalPartitions(table).sort((a, b) => compareItems(a.item, b.item));
  const columns = [...table.partitionColumns];
  if (table.partitionType === 'RANGE') {
    const ranges: RangePartitionDef[] = parts.flatMap((p) =>
      p.item?.kind === 'RANGE' ? [{ name: p.name, lower: [...p.item.lower.keys], upper: [...p.item.upper.keys] }] : [],
    );
    return { type: 'RANGE', columns, ranges };
  }
  const lists: ListPartitionDef[] = parts.flatMap((p) =>
    p.item?.kind === 'LIST'
      ? [{ name: p.name, values: p.item.keys.map((k): PartitionKeyLiteral[] => (k.isDefault ? [] : [...k.keys])) }]
      : [],
  );
  return { type: 'LIST', columns, lists };
}

/**
 * The table's current definition (base schema with column unique ids, partitions as fixed
 * ranges, properties as shown), from which createTable recreates an equivalent table.
 */
export function tableDefOf(table: OlapTableState, opts: { withRollups?: boolean | string[] | undefined } = {}): TableDef {
  const properties: Record<string, string> = Object.fromEntries(table.extraProperties);
  properties['replication_num'] = String(table.replicationNum);
  properties['light_schema_change'] = String(table.lightSchemaChange);
  properties['binlog.enable'] = String(table.binlog.enable);
  properties['binlog.ttl_seconds'] = table.binlog.ttlSeconds.toString();
  properties['binlog.max_bytes'] = table.binlog.maxBytes.toString();
  properties['binlog.max_history_nums'] = table.binlog.maxHistoryNums.toString();
  if (table.keysType === 'UNIQUE_KEYS') properties['enable_unique_key_merge_on_write'] = String(table.enableUniqueKeyMergeOnWrite);
  if (table.isBeingSynced) properties['is_being_synced'] = 'true';
  const wanted = opts.withRollups;
  const rollups = visibleIndexes(table)
    .slice(1)
    .filter((i) => wanted === true || (Array.isArray(wanted) && wanted.includes(i.name)))
    .map((i) => ({
      name: i.name,
      columns: i.columns.map((c) => c.name),
      duplicateKeys: table.keysType === 'DUP_KEYS' ? i.columns.filter((c) => c.isKey).map((c) => c.name) : undefined,
    }));
  const d = table.distribution;
  return {
    name: table.name,
    columns: table.columns.map(plainColumn),
    keysType: table.keysType,
    keys: table.columns.filter((c) => c.isKey).map((c) => c.name),
    partition: partitionDefOf(table),
    distribution:
      d.type === 'HASH'
        ? { type: 'HASH', columns: [...d.columns], buckets: d.autoBucket ? 'AUTO' : d.buckets }
        : { type: 'RANDOM', buckets: d.autoBucket ? 'AUTO' : d.buckets },
    rollups,
    indexes: table.indexDefs.map((i) => ({ ...i })),
    properties,
    comment: table.comment,
  };
}
