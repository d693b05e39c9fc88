// SHOW CREATE TABLE / VIEW / DATABASE text, in the format of Env.getDdlStmt (Doris 2.1):
// columns with two leading spaces, ENGINE=OLAP, the key clause, COMMENT, partitions printed
// as fixed ranges, distribution, and PROPERTIES in Doris' order including the binlog.*
// block (the syncer checks `"binlog.enable" = "true"`). The CREATE_TABLE binlog uses the
// "for sync" variant: is_being_synced printed true and the ROLLUP clause included.
import { compareItems, listItemSql, partitionKeyToSql } from './partition-key.js';
import { formalPartitions, visibleIndexes } from './catalog.js';
import { indexSql } from './ddl-index.js';
import { columnToSql } from './column-sql.js';
import type { DatabaseState, OlapTableState, PartitionState, ViewState } from './state.js';

const KEYS_SQL: Record<OlapTableState['keysType'], string> = {
  DUP_KEYS: 'DUPLICATE KEY',
  UNIQUE_KEYS: 'UNIQUE KEY',
  AGG_KEYS: 'AGGREGATE KEY',
};

function sortedFormal(table: OlapTableState): PartitionState[] {
  return formalPartitions(table).sort((a, b) => compareItems(a.item, b.item));
}

function partitionClause(table: OlapTableState): string {
  const cols = table.partitionColumns.map((c) => `\`${c}\``).join(', ');
  const parts = sortedFormal(table).map((p) => {
    if (p.item?.kind === 'RANGE') {
      return `PARTITION ${p.name} VALUES [${partitionKeyToSql(p.item.lower)}, ${partitionKeyToSql(p.item.upper)})`;
    }
    const keys = p.item?.kind === 'LIST' ? p.item.keys : [];
    // ListPartitionInfo.toSql strips the tuple parentheses of single-column values.
    const multi = table.partitionColumns.length > 1;
    const values = keys
      .map((k) => {
        const s = partitionKeyToSql(k);
        return multi ? s : s.slice(1, -1);
      })
      .join(',');
    return `PARTITION ${p.name} VALUES IN (${values})`;
  });
  return `PARTITION BY ${table.partitionType}(${cols})\n(${parts.join(',\n')})`;
}

/** DistributionInfo.toSql(). */
function distributionSql(table: OlapTableState): string {
  const d = table.distribution;
  const buckets = d.autoBucket ? 'AUTO' : String(d.buckets);
  if (d.type === 'RANDOM') return `DISTRIBUTED BY RANDOM BUCKETS ${buckets}`;
  return `DISTRIBUTED BY HASH(${d.columns.map((c) => `\`${c}\``).join(', ')}) BUCKETS ${buckets}`;
}

const DYNAMIC_PARTITION_KEYS = [
  'dynamic_partition.enable',
  'dynamic_partition.time_unit',
  'dynamic_partition.time_zone',
  'dynamic_partition.start',
  'dynamic_partition.end',
  'dynamic_partition.prefix',
  'dynamic_partition.replication_allocation',
  'dynamic_partition.buckets',
  'dynamic_partition.create_history_partition',
  'dynamic_partition.history_partition_num',
  'dynamic_partition.hot_partition_num',
  'dynamic_partition.reserved_history_periods',
  'dynamic_partition.storage_policy',
];

function propertiesBlock(table: OlapTableState, forSync: boolean): string {
  const p: [string, string][] = [];
  const extra = table.extraProperties;
  p.push(['replication_allocation', `tag.location.default: ${table.replicationNum}`]);
  p.push(['min_load_replica_num', extra.get('min_load_replica_num') ?? '-1']);
  const bf = extra.get('bloom_filter_columns');
  if (bf !== undefined) p.push(['bloom_filter_columns', bf]);
  p.push(['is_being_synced', String(table.isBeingSynced || forSync)]);
  if (forSync && table.distribution.autoBucket) p.push(['_auto_bucket', 'true']);
  const colocate = extra.get('colocate_with');
  if (colocate !== undefined) p.push(['colocate_with', colocate]);
  if ([...extra.keys()].some((k) => k.startsWith('dynamic_partition.'))) {
    for (const k of DYNAMIC_PARTITION_KEYS) {
      const v = extra.get(k);
      if (v !== undefined) p.push([k, v]);
    }
  }
  if (extra.get('in_memory') === 'true') p.push(['in_memory', 'true']);
  p.push(['storage_medium', table.storageMedium]);
  p.push(['storage_format', 'V2']);
  p.push(['inverted_index_storage_format', extra.get('inverted_index_storage_format') ?? 'V1']);
  const compression = extra.get('compression');
  if (compression !== undefined && compression.toUpperCase() !== 'LZ4F') p.push(['compression', compression.toUpperCase()]);
  if (table.keysType === 'UNIQUE_KEYS') p.push(['enable_unique_key_merge_on_write', String(table.enableUniqueKeyMergeOnWrite)]);
  if (table.lightSchemaChange) p.push(['light_schema_change', 'true']);
  const seq = extra.get('function_column.sequence_col');
  if (seq !== undefined) p.push(['function_column.sequence_col', seq]);
  if (extra.get('store_row_column') === 'true') p.push(['store_row_column', 'true']);
  p.push(['disable_auto_compaction', extra.get('disable_auto_compaction') ?? 'false']);
  p.push(['binlog.enable', String(table.binlog.enable)]);
  p.push(['binlog.ttl_seconds', table.binlog.ttlSeconds.toString()]);
  p.push(['binlog.max_bytes', table.binlog.maxBytes.toString()]);
  p.push(['binlog.max_history_nums', table.binlog.maxHistoryNums.toString()]);
  p.push(['enable_single_replica_compaction', extra.get('enable_single_replica_compaction') ?? 'false']);
  p.push(['group_commit_interval_ms', extra.get('group_commit_interval_ms') ?? '10000']);
  p.push(['group_commit_data_bytes', extra.get('group_commit_data_bytes') ?? '134217728']);
  return p.map(([k, v]) => `"${k}" = "${v}"`).join(',\n');
}

function rollupClause(table: OlapTableState): string {
  const rollups = visibleIndexes(table).slice(1);
  if (rollups.length === 0) return '';
  const items = rollups.map((idx) => `${idx.name} (${idx.columns.map((c) => c.name).join(', ')})`);
  return `\nROLLUP (\n${items.join(',\n')}\n)`;
}

/**
 * The CREATE TABLE statement of an OLAP table as SHOW CREATE TABLE prints it (no database
 * prefix, trailing ";"). `forSync` = Env.getSyncedDdlStmt, used by CREATE_TABLE binlogs.
 */
export function showCreateOlapTable(table: OlapTableState, forSync = false): string {
  const unique = table.keysType === 'UNIQUE_KEYS';
  const lines = table.columns.map((c) => `  ${columnToSql(c, unique)}`);
  for (const idx of table.indexDefs) lines.push(`  ${indexSql(idx)}`);
  let sb = `CREATE TABLE \`${table.name}\` (\n${lines.join(',\n')}\n) ENGINE=OLAP`;
  const keyCols = table.columns.filter((c) => c.isKey).map((c) => `\`${c.name}\``);
  sb += `\n${KEYS_SQL[table.keysType]}(${keyCols.join(', ')})`;
  sb += `\nCOMMENT '${table.comment === '' ? 'OLAP' : table.comment.replace(/'/g, "\\'")}'`;
  if (table.partitionType !== 'UNPARTITIONED') sb += `\n${partitionClause(table)}`;
  sb += `\n${distributionSql(table)}`;
  if (forSync) sb += rollupClause(table);
  sb += `\nPROPERTIES (\n${propertiesBlock(table, forSync)}\n)`;
  return `${sb};`;
}

/** CREATE VIEW text: the stored inline view definition (the SQL layer passes it qualified). */
export function showCreateView(view: ViewState): string {
  let sb = `CREATE VIEW \`${view.name}\``;
  if (view.def.comment.trim() !== '') sb += ` COMMENT '${view.def.comment}'`;
  return `${sb} AS ${view.def.query};`;
}

/** SHOW CREATE DATABASE text: properties only when the database has some. */
export function showCreateDatabase(db: DatabaseState): string {
  let sb = `CREATE DATABASE \`${db.name}\``;
  if (db.properties.size > 0) {
    const props = [...db.properties].map(([k, v]) => `"${k}" = "${v}"`).join(',\n');
    sb += `\nPROPERTIES (\n${props}\n)`;
  }
  return sb;
}

/** The ADD PARTITION clause a binlog carries (AddPartitionRecord.sql). */
export function addPartitionSql(partition: PartitionState): string {
  let sb = `ADD ${partition.isTemp ? 'TEMPORARY ' : ''}PARTITION \`${partition.name}\` `;
  const version = `("version_info" = "${partition.visibleVersion}");`;
  if (partition.item?.kind === 'RANGE') {
    sb += `VALUES [${partitionKeyToSql(partition.item.lower)}, ${partitionKeyToSql(partition.item.upper)}) ${version}`;
  } else if (partition.item?.kind === 'LIST') {
    sb += `VALUES IN ${listItemSql(partition.item)} ${version}`;
  }
  return sb;
}
