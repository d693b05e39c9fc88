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
  sql = wrapSingleListTuple(sql);
  const dist = rec.partition?.distributionInfo ?? rec.partition?.di;
  if (dist && !/DISTRIBUTED\s+BY/i.test(sql)) {
    const columns = (dist.distributionColumns ?? []).map((c) => quoteIdent(c.name));
    sql += dist.type === 'RANDOM' || columns.length === 0 ? ' DISTRIBUTED BY RANDOM' : ` DISTRIBUTED BY HASH(${columns.join(', ')})`;
    if (dist.bucketNum !== undefined && dist.bucketNum > 0) sql += ` BUCKETS ${dist.bucketNum}`;
  }
  return sql;
}

/**
 * ListPartitionItem.toSql prints the one value of a multi-column list partition as a bare
 * tuple, `VALUES IN ("a", "1")`, which Doris parses back as two one-column values and refuses
 * ("partition key desc list size[1] is not equal to partition column size[2]"). Several values
 * print as `(("a", "1"),("b", "2"))` and one-column values as `("a")` or `(("a"),("b"))`, so a
 * bare tuple of two or more literals can only be that case: give it its parentheses.
 */
export function wrapSingleListTuple(sql: string): string {
  const at = /VALUES\s+IN\s*\(/i.exec(sql);
  if (!at) return sql;
  const open = at.index + at[0].length - 1;
  let depth = 0;
  let quote: string | undefined;
  let nested = false;
  let commas = 0;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (c === '(') {
      depth++;
      if (depth > 1) nested = true;
    } else if (c === ')') {
      depth--;
      if (depth === 0) {
        if (nested || commas === 0) return sql;
        return `${sql.slice(0, open)}(${sql.slice(open, i + 1)})${sql.slice(i + 1)}`;
      }
    } else if (c === ',' && depth === 1) commas++;
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
