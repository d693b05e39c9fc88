// DUMMY, BARRIER, views, and the types the manual lists as not replicated.
import { quoteIdent } from '../../doris/sql-client.js';
import type { TBinlog } from '../../doris/types.js';
import { barrierRecordSchema, modifyViewDefRecordSchema, parseRecord } from '../records.js';
import { execDest, tableTarget } from './common.js';
import { done, type HandlerArgs, type HandlerResult } from './handler.js';
import { createTableSql } from './tables.js';

const where = (args: HandlerArgs) => ({ commitSeq: args.seq, type: args.binlog.type ?? -1 });

export async function dummy(args: HandlerArgs): Promise<HandlerResult> {
  return { kind: 'full-sync', reason: `the source reset its binlogs (DUMMY binlog at ${args.seq})` };
}

/**
 * A plain BARRIER (logged by BACKUP) needs nothing. Newer FEs wrap a binlog of a new type in a
 * BARRIER so older FEs accept it; such a wrapped binlog is handled as itself.
 */
export function barrier(dispatch: (args: HandlerArgs) => Promise<HandlerResult>) {
  return async (args: HandlerArgs): Promise<HandlerResult> => {
    const rec = parseRecord(barrierRecordSchema, args.binlog.data, where(args));
    if (rec.binlog === undefined || rec.binlogType === undefined) return done(args.progress);
    const inner: TBinlog = { ...args.binlog, type: rec.binlogType, data: rec.binlog };
    return dispatch({ ...args, binlog: inner });
  };
}

export async function modifyViewDef(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(modifyViewDefRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tableId);
  if (!t || args.ctx.kind !== 'db') return done(args.progress);
  const spec = args.ctx.spec();
  const def = createTableSql(rec.inlineViewDef, spec.src.database, spec.dest.database, false, -1);
  try {
    await execDest(args, `ALTER VIEW ${quoteIdent(spec.dest.database)}.${quoteIdent(t.destName)} AS ${def}`);
  } catch (err) {
    if (/Unknown column/i.test((err as { serverMessage?: string }).serverMessage ?? '')) {
      return { kind: 'partial-sync', target: { tableId: rec.tableId, table: t.destName, partitions: [], replace: true }, reason: `view ${t.destName} changed` };
    }
    throw err;
  }
  return done(args.progress);
}

/** Types the manual lists as not replicated: acknowledged without touching the destination. */
export async function notReplicated(args: HandlerArgs): Promise<HandlerResult> {
  return done(args.progress);
}
