// Helpers shared by the binlog handlers.
import { quoteIdent, SqlClientError } from '../../doris/sql-client.js';
import type { HandlerArgs } from './handler.js';

export interface TableTarget {
  srcTableId: bigint;
  /** Destination table name: the same name in db jobs, the job's destination table in table jobs. */
  destName: string;
  /** `db`.`table` on the destination. */
  qualified: string;
  destId: bigint | undefined;
}

/**
 * The destination table a binlog of `srcTableId` applies to, or undefined when the binlog does
 * not concern this job: another table, a table the job does not replicate, or a table whose
 * db snapshot already contains this binlog (DBTablesIncrementalSync).
 */
export function tableTarget(args: HandlerArgs, srcTableId: bigint, nameHint?: string): TableTarget | undefined {
  const { ctx, progress, seq } = args;
  const spec = ctx.spec();
  const covered = progress.tableCommitSeqMap.get(srcTableId);
  if (covered !== undefined && seq <= covered) return undefined;
  let destName: string | undefined;
  if (ctx.kind === 'table') {
    if (srcTableId !== spec.src.tableId) return undefined;
    destName = spec.dest.table;
  } else {
    destName = progress.tableNames.get(srcTableId) ?? (progress.tableMapping.has(srcTableId) ? nameHint : undefined);
    if (destName === undefined) return undefined;
  }
  return {
    srcTableId,
    destName,
    qualified: `${quoteIdent(spec.dest.database)}.${quoteIdent(destName)}`,
    destId: progress.tableMapping.get(srcTableId),
  };
}

/**
 * Runs a statement on the destination (in the job's destination database). When the server's
 * message matches `applied`, the statement's effect is already there — for example a
 * partition that exists because the binlog was in flight when the job stopped — and the
 * statement counts as done.
 */
export async function execDest(args: HandlerArgs, sql: string, applied?: RegExp): Promise<'ran' | 'already'> {
  await args.beginApply();
  try {
    await args.ctx.dest.exec(sql, args.signal, { db: args.ctx.spec().dest.database });
    return 'ran';
  } catch (err) {
    if (applied && err instanceof SqlClientError && err.kind === 'server' && applied.test(err.serverMessage ?? '')) {
      args.ctx.log.info({ seq: args.seq.toString(), message: err.serverMessage }, 'destination already shows this change');
      return 'already';
    }
    throw err;
  }
}

/** Removes the source db qualifier Doris puts in raw SQL (`db`. or `default_cluster:db`.). */
export function stripDbQualifier(sql: string, srcDb: string): string {
  const escaped = srcDb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return sql.replace(new RegExp('`(?:default_cluster:)?' + escaped + '`\\.', 'g'), '');
}
