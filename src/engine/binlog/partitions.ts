// Partition binlogs: ADD_PARTITION and DROP_PARTITION replay as SQL; REPLACE_PARTITIONS (INSERT
// OVERWRITE, REPLACE PARTITION) re-syncs the table; MODIFY_PARTITIONS is not replicated (the
// manual lists it as unsupported).
import { quoteIdent } from '../../doris/sql-client.js';
import type { AddPartitionRecord } from '../records.js';
import { addPartitionRecordSchema, dropPartitionRecordSchema, parseRecord, replacePartitionsRecordSchema } from '../records.js';
import { execDest, tableTarget } from './common.js';
import { done, type HandlerArgs, type HandlerResult } from './handler.js';

const where = (args: HandlerArgs) => ({ commitSeq: args.seq, type: args.binlog.type ?? -1 });

/**
 * The ADD PARTITION clause for the destination (Go correctAddPartitionSql): the FE's clause
 * without its trailing ';', with BUCKETS AUTO dropped and the partition's distribution spelled
 * out, so the destination partition gets exactly the source's bucket count (tablet pairing
 * relies on it).
 */
export function addPartitionClause(rec: AddPartitionRecord): string {
  let sql = rec.sql.trim().replace(/;+\s*$/, '');
  sql = sql.replace(/\s+BUCKETS\s+AUTO\b/i, '');
  // Old FEs print unpartitioned-style bounds and nested list items; Doris rejects both back.
  sql = sql.replace(/VALUES \[\(\), \(\)\)/, '').replace(/VALUES IN \(\(\((.*?)\)\)\)/, 'VALUES IN (($1))');
  const dist = rec.partition?.distributionInfo ?? rec.partition?.di;
  if (dist && !/DISTRIBUTED\s+BY/i.test(sql)) {
    const columns = (dist.distributionColumns ?? []).map((c) => quoteIdent(c.name));
    sql += dist.type === 'RANDOM' || columns.length === 0 ? ' DISTRIBUTED BY RANDOM' : ` DISTRIBUTED BY HASH(${columns.join(', ')})`;
    if (dist.bucketNum !== undefined && dist.bucketNum > 0) sql += ` BUCKETS ${dist.bucketNum}`;
  }
  return sql;
}

export async function addPartition(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(addPartitionRecordSchema, args.binlog.data, where(args));
  if (rec.isTempPartition) return done(args.progress);
  const t = tableTarget(args, rec.tableId);
  if (!t) return done(args.progress);
  await execDest(args, `ALTER TABLE ${t.qualified} ${addPartitionClause(rec)}`, /Duplicate partition name|already exist/i);
  args.ctx.destMeta.invalidate(t.destId);
  args.ctx.srcMeta.invalidate(rec.tableId);
  return done(args.progress);
}

export async function dropPartition(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(dropPartitionRecordSchema, args.binlog.data, where(args));
  if (rec.isTempPartition) return done(args.progress);
  const t = tableTarget(args, rec.tableId);
  if (!t) return done(args.progress);
  await execDest(args, `ALTER TABLE ${t.qualified} ${rec.sql.trim().replace(/;+\s*$/, '')}`, /does not exist|Unknown partition|not exist/i);
  args.ctx.destMeta.invalidate(t.destId);
  args.ctx.srcMeta.invalidate(rec.tableId);
  return done(args.progress);
}

export async function replacePartitions(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(replacePartitionsRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tblId, rec.tblName);
  if (!t) return done(args.progress);
  // Replaced partitions get new ids and data that came in through temporary partitions the
  // syncer does not replay: re-sync the table from a snapshot.
  return {
    kind: 'partial-sync',
    target: { tableId: rec.tblId, table: args.progress.tableNames.get(rec.tblId) ?? rec.tblName, partitions: [], replace: true },
    reason: `partitions ${rec.partitions.join(', ')} of ${rec.tblName} were replaced`,
  };
}
