// MODIFY_TABLE_PROPERTY: `ALTER TABLE t SET ("k" = "v", …)` on the source, replayed on the
// destination table the way the Go syncer V25 does it (pkg/ccr/handle/modify_property.go,
// Spec.ModifyTableProperty): the properties the destination can take are set with one
// ALTER TABLE … SET, the others are dropped with a log line, and a binlog left with none is
// acknowledged without touching the destination.
import { quoteIdent, SqlClientError } from '../../doris/sql-client.js';
import { CcrError } from '../../errors/ccr-error.js';
import { modifyTablePropertyRecordSchema, parseRecord } from '../records.js';
import { execDest, tableTarget } from './common.js';
import { done, type HandlerArgs, type HandlerResult } from './handler.js';

/**
 * Properties the destination keeps as its own: never copied from the source.
 * Go V25 skips (selectdb/ccr-syncer PR #353, "don't support alter table properties"):
 * - `is_being_synced`: set by the syncer itself (desync/sync), never by the source.
 * - `dynamic_partition.enable`: Doris' RESTORE turns it off on the destination so only the
 *   source's scheduler creates partitions (their ADD_PARTITION binlogs are replayed).
 * - `colocate_with`: colocation groups are per cluster; BACKUP drops the property too.
 * - `storage_policy`: cold-storage resources are per cluster.
 * - `light_schema_change`, `function_column.sequence_col` / `sequence_type`: fixed at CREATE
 *   (Doris refuses the change or it is replicated by its own binlog).
 * This port also keeps (the reasons are the same; Go's exact list was not readable):
 * - `binlog.*`: the destination's binlog settings are its own (it may be the source of another
 *   job), as the Doris CCR manual asks; Doris logs these changes as MODIFY_TABLE_PROPERTY too.
 * - `dynamic_partition.storage_policy`, `enable_unique_key_merge_on_write`.
 */
const DEST_OWNED = new Set([
  'is_being_synced',
  'dynamic_partition.enable',
  'colocate_with',
  'storage_policy',
  'dynamic_partition.storage_policy',
  'light_schema_change',
  'function_column.sequence_col',
  'function_column.sequence_type',
  'enable_unique_key_merge_on_write',
]);

/** Replica layout: kept on the destination when the job fixes it (create_ccr replication_num > 0; Go drops default.replication_allocation then). */
const REPLICATION = new Set([
  'replication_num',
  'replication_allocation',
  'default.replication_num',
  'default.replication_allocation',
  'dynamic_partition.replication_num',
  'dynamic_partition.replication_allocation',
]);

/** Storage medium: kept on the destination when --feature_filter_storage_medium strips it from CREATE TABLE too. */
const STORAGE_MEDIUM = new Set(['storage_medium', 'dynamic_partition.storage_medium']);

export interface PropertyFilter {
  /** create_ccr replication_num: > 0 keeps the destination's replica layout. */
  replicationNum: number;
  filterStorageMedium: boolean;
}

/** Splits a binlog's properties into those replayed and those the destination keeps. */
export function splitTableProperties(properties: Record<string, string>, f: PropertyFilter): { apply: [string, string][]; skipped: string[] } {
  const apply: [string, string][] = [];
  const skipped: string[] = [];
  for (const [k, v] of Object.entries(properties)) {
    const key = k.toLowerCase();
    const keep =
      key.startsWith('binlog.') ||
      DEST_OWNED.has(key) ||
      (f.replicationNum > 0 && REPLICATION.has(key)) ||
      (f.filterStorageMedium && STORAGE_MEDIUM.has(key));
    if (keep) skipped.push(k);
    else apply.push([k, v]);
  }
  return { apply, skipped };
}

/** A double-quoted property literal as Doris' property list reads it. */
function quoteProperty(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `ALTER TABLE <qualified> SET ("k" = "v", …)`. */
export function modifyTablePropertySql(qualified: string, props: [string, string][]): string {
  return `ALTER TABLE ${qualified} SET (${props.map(([k, v]) => `${quoteProperty(k)} = ${quoteProperty(v)}`).join(', ')})`;
}

export async function modifyTableProperty(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, seq } = args;
  const rec = parseRecord(modifyTablePropertyRecordSchema, args.binlog.data, { commitSeq: seq, type: args.binlog.type ?? -1 });
  const t = tableTarget(args, rec.tableId, rec.tableName);
  if (!t) return done(args.progress);
  const spec = ctx.spec();
  const { apply, skipped } = splitTableProperties(rec.properties, {
    replicationNum: spec.options.replicationNum,
    filterStorageMedium: ctx.config.features.filterStorageMedium,
  });
  if (skipped.length > 0) {
    ctx.log.info({ seq: seq.toString(), table: t.destName, skipped }, 'table properties the destination keeps as its own are not replicated');
  }
  if (apply.length === 0) return done(args.progress);
  const sql = modifyTablePropertySql(t.qualified, apply);
  try {
    // Setting a property to the value it already has succeeds: a retry simply runs it again.
    await execDest(args, sql);
  } catch (err) {
    if (err instanceof SqlClientError && err.kind === 'server') {
      // Go returns the error and the job retries the binlog until the destination accepts it.
      throw new CcrError(
        'CCR_E0305',
        `the destination refused the table property change of binlog ${seq} on ${quoteIdent(spec.dest.database)}.${quoteIdent(t.destName)} ` +
          `(${apply.map(([k, v]) => `${k}=${v}`).join(', ')}): ${err.serverMessage ?? err.message}. ` +
          `Fix the destination table so it accepts the change, or skip this binlog with job_skip_binlog skip_by=silence skip_commit_seq=${seq}`,
        { category: 'sql', disposition: 'retry', cause: err, details: { commitSeq: seq.toString(), table: t.destName, properties: Object.fromEntries(apply) } },
      );
    }
    throw err;
  }
  return done(args.progress);
}
