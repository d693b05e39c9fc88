// Schema binlogs: light schema change (ADD/DROP COLUMN) and column renames replay as SQL;
// comments replay as SQL; a finished schema change or rollup re-syncs the table from a
// snapshot (its data was rewritten on the source); while one runs, its shadow indexes are
// remembered so upserts into them are skipped.
import { quoteIdent, quoteString } from '../../doris/sql-client.js';
import { z } from 'zod';
import type { Progress } from '../progress.js';
import {
  alterJobRecordSchema,
  dropRollupRecordSchema,
  modifyColumnsRecordSchema,
  modifyCommentRecordSchema,
  parseRecord,
  renameColumnRecordSchema,
} from '../records.js';
import { execDest, stripDbQualifier, tableTarget } from './common.js';
import { done, type HandlerArgs, type HandlerResult } from './handler.js';

const where = (args: HandlerArgs) => ({ commitSeq: args.seq, type: args.binlog.type ?? -1 });

/** The light-schema-change statement for the destination table (Go: handleLightningSchemaChange). */
export function lightSchemaChangeSql(rawSql: string, srcDb: string, srcTable: string | undefined, destTable: string): string {
  let sql = stripDbQualifier(rawSql.trim().replace(/;+\s*$/, ''), srcDb);
  if (srcTable !== undefined && srcTable !== destTable) {
    sql = sql.replace(/^(\s*ALTER\s+TABLE\s+)`?[^`\s]+`?/i, `$1${quoteIdent(destTable)}`);
  }
  // Doris prints REPLACE_IF_NOT_NULL columns with a DEFAULT it does not accept back.
  return sql.replace(/REPLACE_IF_NOT_NULL NULL DEFAULT "null"/g, 'REPLACE_IF_NOT_NULL NULL DEFAULT NULL');
}

export async function modifyColumns(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(modifyColumnsRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId);
  if (!t) return done(args.progress);
  const spec = args.ctx.spec();
  const srcTable = args.ctx.kind === 'table' ? spec.src.table : args.progress.tableNames.get(rec.tableId);
  const sql = lightSchemaChangeSql(rec.rawSql, spec.src.database, srcTable, t.destName);
  // Doris: "Can not add column which already exists in base table: c" / "Column does not exists: c".
  await execDest(args, sql, args.retry ? /Duplicate column|already exists in base table|does not exist|not exists|Unknown column/i : undefined);
  return done(args.progress);
}

export async function renameColumn(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(renameColumnRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId);
  if (!t) return done(args.progress);
  await execDest(
    args,
    `ALTER TABLE ${t.qualified} RENAME COLUMN ${quoteIdent(rec.colName)} ${quoteIdent(rec.newColName)}`,
    args.retry ? /does not exist|not exists|already exist|Duplicate column/i : undefined,
  );
  return done(args.progress);
}

export async function modifyComment(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(modifyCommentRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tblId);
  if (!t) return done(args.progress);
  if (rec.type === 'TABLE') {
    await execDest(args, `ALTER TABLE ${t.qualified} MODIFY COMMENT ${quoteString(rec.tblComment ?? '')}`);
  } else {
    const clauses = Object.entries(rec.colToComment ?? {}).map(([col, comment]) => `MODIFY COLUMN ${quoteIdent(col)} COMMENT ${quoteString(comment)}`);
    if (clauses.length > 0) await execDest(args, `ALTER TABLE ${t.qualified} ${clauses.join(', ')}`);
  }
  return done(args.progress);
}

function withShadows(p: Progress, add: [bigint, bigint][], remove: bigint[]): Progress {
  const shadowIndexes = new Map(p.shadowIndexes);
  for (const id of remove) shadowIndexes.delete(id);
  for (const [shadow, origin] of add) shadowIndexes.set(shadow, origin);
  return { ...p, shadowIndexes };
}

export async function alterJob(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, progress } = args;
  const rec = parseRecord(alterJobRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId, rec.tableName);
  if (!t) return done(progress);
  const rollup = rec.type === 'ROLLUP';
  if (rollup && ctx.config.features.skipRollupBinlogs) return done(progress);
  const shadows: [bigint, bigint][] = Object.entries(rec.iim ?? {}).map(([shadow, origin]) => [BigInt(shadow), origin]);
  if (rollup && rec.rollupIndexId !== undefined) shadows.push([rec.rollupIndexId, 0n]);
  const ids = shadows.map(([s]) => s);
  switch (rec.jobState) {
    case 'PENDING':
    case 'WAITING_TXN':
    case 'RUNNING':
      return done(withShadows(progress, shadows, []));
    case 'CANCELLED':
      return done(withShadows(progress, [], ids));
    case 'FINISHED': {
      ctx.srcMeta.invalidate(rec.tableId);
      const cleared = withShadows(progress, [], ids);
      // The shadow indexes are the table's real indexes from now on: stop skipping them.
      if (!rollup && !ctx.config.features.schemaChangePartialSync) {
        return { kind: 'full-sync', reason: `schema change of ${rec.tableName} finished`, progress: cleared };
      }
      return {
        kind: 'partial-sync',
        target: { tableId: rec.tableId, table: ctx.kind === 'table' ? ctx.spec().src.table : rec.tableName, partitions: [], replace: true },
        reason: `${rollup ? 'rollup' : 'schema change'} of ${rec.tableName} finished${rec.rawSql ? `: ${rec.rawSql}` : ''}`,
        progress: cleared,
      };
    }
    default:
      return done(progress);
  }
}

export async function dropRollup(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(dropRollupRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId, rec.tableName);
  if (!t) return done(args.progress);
  await execDest(args, `ALTER TABLE ${t.qualified} DROP ROLLUP ${quoteIdent(rec.indexName)}`, /does not exist|not exist/i);
  args.ctx.destMeta.invalidate(t.destId);
  args.ctx.srcMeta.invalidate(rec.tableId);
  return done(args.progress);
}

const tableOnly = z.looseObject({ dbId: z.unknown().optional(), tableId: z.union([z.bigint(), z.number().int()]).transform((v) => BigInt(v)) });

/** Inverted index added or dropped: the destination table is re-synced (indexes are rebuilt by the restore). */
export async function invertedIndices(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(tableOnly, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId);
  if (!t) return done(args.progress);
  const table = args.ctx.kind === 'table' ? args.ctx.spec().src.table : (args.progress.tableNames.get(rec.tableId) ?? t.destName);
  return { kind: 'partial-sync', target: { tableId: rec.tableId, table, partitions: [], replace: true }, reason: `inverted indexes of ${table} changed` };
}
