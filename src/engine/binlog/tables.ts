// Table binlogs: CREATE_TABLE / DROP_TABLE (database jobs only: they are never in a table's
// binlog list), RENAME_TABLE / RENAME_ROLLUP / RENAME_PARTITION, TRUNCATE_TABLE, REPLACE_TABLE
// and RECOVER_INFO.
import { quoteIdent } from '../../doris/sql-client.js';
import type { Progress } from '../progress.js';
import {
  createTableRecordSchema,
  dropTableRecordSchema,
  parseRecord,
  recoverInfoRecordSchema,
  renameRecordSchema,
  replaceTableRecordSchema,
  truncateTableRecordSchema,
} from '../records.js';
import { execDest, tableTarget } from './common.js';
import { done, type HandlerArgs, type HandlerResult } from './handler.js';

const where = (args: HandlerArgs) => ({ commitSeq: args.seq, type: args.binlog.type ?? -1 });

function withTable(p: Progress, srcId: bigint, name: string, destId: bigint | undefined): Progress {
  const tableNames = new Map(p.tableNames).set(srcId, name);
  const tableMapping = new Map(p.tableMapping);
  if (destId !== undefined) tableMapping.set(srcId, destId);
  return { ...p, tableNames, tableMapping };
}

function withoutTable(p: Progress, srcId: bigint): Progress {
  const tableNames = new Map(p.tableNames);
  const tableMapping = new Map(p.tableMapping);
  const tableCommitSeqMap = new Map(p.tableCommitSeqMap);
  tableNames.delete(srcId);
  tableMapping.delete(srcId);
  tableCommitSeqMap.delete(srcId);
  return { ...p, tableNames, tableMapping, tableCommitSeqMap };
}

async function destTableId(args: HandlerArgs, name: string): Promise<bigint | undefined> {
  const res = await args.ctx.dest.query(`SHOW PROC '/dbs/${args.ctx.spec().dest.dbId}/'`, args.signal);
  const id = res.rows.find((r) => r.TableName === name)?.TableId;
  return id ? BigInt(id) : undefined;
}

/** CREATE TABLE / CREATE VIEW text for the destination database. */
export function createTableSql(sql: string, srcDb: string, destDb: string, dropStorageMedium: boolean, replicationNum: number): string {
  let out = sql.trim().replace(/;+\s*$/, '');
  if (srcDb !== destDb) {
    const escaped = srcDb.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    out = out.replace(new RegExp('`internal`\\.`(?:default_cluster:)?' + escaped + '`\\.', 'g'), `\`internal\`.${quoteIdent(destDb)}.`);
    out = out.replace(new RegExp('`default_cluster:' + escaped + '`\\.', 'g'), `${quoteIdent(destDb)}.`);
  }
  if (dropStorageMedium) out = out.replace(/,?\s*"storage_medium"\s*=\s*"[^"]*"/gi, '');
  if (replicationNum > 0) {
    out = out.replace(/"replication_allocation"\s*=\s*"[^"]*"/i, `"replication_allocation" = "tag.location.default: ${replicationNum}"`);
    out = out.replace(/"replication_num"\s*=\s*"[^"]*"/i, `"replication_num" = "${replicationNum}"`);
  }
  return out;
}

export async function createTable(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, progress } = args;
  if (ctx.kind !== 'db') return done(progress);
  const rec = parseRecord(createTableRecordSchema, args.binlog.data, where(args));
  const covered = progress.tableCommitSeqMap.get(rec.tableId);
  if ((covered !== undefined && args.seq <= covered) || (progress.tableMapping.has(rec.tableId) && !args.retry)) return done(progress);
  const name = rec.tableName ?? /CREATE\s+(?:TABLE|VIEW)\s+(?:IF NOT EXISTS\s+)?`?([^`\s(]+)`?/i.exec(rec.sql)?.[1];
  if (!name) return done(progress);
  const spec = ctx.spec();
  const isView = rec.tableType === 'VIEW' || /^\s*CREATE\s+VIEW/i.test(rec.sql);
  const sql = createTableSql(rec.sql, spec.src.database, spec.dest.database, ctx.config.features.filterStorageMedium, spec.options.replicationNum);
  if (isView && ctx.config.features.createViewDropExists) {
    await execDest(args, `DROP VIEW IF EXISTS ${quoteIdent(spec.dest.database)}.${quoteIdent(name)}`);
  }
  const outcome = await execDest(args, sql, args.retry ? /already exists/i : undefined).catch((err: unknown) => {
    if (/already exists/i.test((err as { serverMessage?: string }).serverMessage ?? '')) return 'conflict' as const;
    throw err;
  });
  if (outcome === 'conflict') {
    // A table of that name exists on the destination but is not the one the job created:
    // replace it with the source's through a snapshot.
    return { kind: 'partial-sync', target: { tableId: rec.tableId, table: name, partitions: [], replace: true }, reason: `table ${name} already exists on the destination` };
  }
  return done(withTable(progress, rec.tableId, name, await destTableId(args, name)));
}

export async function dropTable(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, progress } = args;
  if (ctx.kind !== 'db') return done(progress);
  const rec = parseRecord(dropTableRecordSchema, args.binlog.data, where(args));
  const name = progress.tableNames.get(rec.tableId) ?? rec.tableName;
  if (!name || (!progress.tableMapping.has(rec.tableId) && !progress.tableNames.has(rec.tableId))) return done(progress);
  const qualified = `${quoteIdent(ctx.spec().dest.database)}.${quoteIdent(name)}`;
  if (rec.isView) {
    await execDest(args, `DROP VIEW IF EXISTS ${qualified}`);
  } else {
    const outcome = await execDest(args, `DROP TABLE IF EXISTS ${qualified} FORCE`, /is not TABLE/i);
    if (outcome === 'already') await execDest(args, `DROP VIEW IF EXISTS ${qualified}`);
  }
  ctx.destMeta.invalidate(progress.tableMapping.get(rec.tableId));
  return done(withoutTable(progress, rec.tableId));
}

export async function rename(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, progress } = args;
  const rec = parseRecord(renameRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tb, rec.oT || undefined);
  if (!t) return done(progress);
  if (rec.nT !== '' && rec.oT !== '') {
    if (ctx.kind === 'table') {
      // The destination table keeps its own name; only the source name the job reads changes.
      await ctx.updateSpec((s) => ({ ...s, src: { ...s.src, table: rec.nT } }), args.signal);
      ctx.src.update(ctx.spec().src);
      return done(withTable(progress, rec.tb, rec.nT, t.destId));
    }
    await execDest(args, `ALTER TABLE ${t.qualified} RENAME ${quoteIdent(rec.nT)}`, /Unknown table|does not exist|already exists|Same table name/i);
    return done(withTable(progress, rec.tb, rec.nT, t.destId));
  }
  if (rec.nR !== '' && rec.oR !== '') {
    await execDest(args, `ALTER TABLE ${t.qualified} RENAME ROLLUP ${quoteIdent(rec.oR)} ${quoteIdent(rec.nR)}`, /does not exist|already exist|Unknown/i);
    ctx.destMeta.invalidate(t.destId);
    return done(progress);
  }
  if (rec.nP !== '' && rec.oP !== '') {
    await execDest(args, `ALTER TABLE ${t.qualified} RENAME PARTITION ${quoteIdent(rec.oP)} ${quoteIdent(rec.nP)}`, /does not exist|already used|already exist|Unknown partition/i);
    ctx.destMeta.invalidate(t.destId);
    return done(progress);
  }
  return done(progress);
}

export async function truncateTable(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(truncateTableRecordSchema, args.binlog.data, where(args));
  const t = tableTarget(args, rec.tblId, rec.table);
  if (!t) return done(args.progress);
  const partitions = rec.isEntireTable ? '' : ` ${rec.rawSql.trim()}`;
  await execDest(args, `TRUNCATE TABLE ${t.qualified}${partitions}`);
  // Truncate replaces partitions with new (empty) ones: new partition and tablet ids.
  args.ctx.destMeta.invalidate(t.destId);
  args.ctx.srcMeta.invalidate(rec.tblId);
  return done(args.progress);
}

export async function replaceTable(args: HandlerArgs): Promise<HandlerResult> {
  const { ctx, progress } = args;
  const rec = parseRecord(replaceTableRecordSchema, args.binlog.data, where(args));
  const newId = typeof rec.newTblName === 'bigint' ? rec.newTblName : undefined;
  if (ctx.kind === 'table') {
    if (rec.origTblId !== ctx.spec().src.tableId && newId !== ctx.spec().src.tableId) return done(progress);
    return { kind: 'full-sync', reason: `source table ${rec.origTblName} was replaced by ${rec.actualNewTblName}` };
  }
  const orig = tableTarget(args, rec.origTblId, rec.origTblName);
  const other = newId === undefined ? undefined : tableTarget(args, newId, rec.actualNewTblName);
  if (!orig && !other) return done(progress);
  if (!orig || !other || newId === undefined) {
    const [id, name] = orig ? [rec.origTblId, rec.origTblName] : [newId ?? 0n, rec.actualNewTblName];
    return { kind: 'partial-sync', target: { tableId: id, table: name, partitions: [], replace: true }, reason: `table ${rec.origTblName} was replaced by a table the job does not replicate yet` };
  }
  await execDest(
    args,
    `ALTER TABLE ${orig.qualified} REPLACE WITH TABLE ${quoteIdent(other.destName)} PROPERTIES("swap"="${rec.swapTable}")`,
    args.retry ? /Unknown table|does not exist/i : undefined,
  );
  ctx.destMeta.invalidate();
  // Data follows table ids; names move. Without swap the original table is gone.
  let next = withTable(progress, newId, rec.origTblName, other.destId);
  next = rec.swapTable ? withTable(next, rec.origTblId, rec.actualNewTblName, orig.destId) : withoutTable(next, rec.origTblId);
  return done(next);
}

export async function recoverInfo(args: HandlerArgs): Promise<HandlerResult> {
  const rec = parseRecord(recoverInfoRecordSchema, args.binlog.data, where(args));
  // A table the job dropped with the source's DROP TABLE is no longer in its maps: RECOVER
  // TABLE brings it back under its old name (or the AS name).
  const name = args.progress.tableNames.get(rec.tableId) ?? (rec.newTableName || rec.tableName);
  if (args.ctx.kind === 'table' && rec.tableId !== args.ctx.spec().src.tableId) return done(args.progress);
  if (!name) return done(args.progress);
  return {
    kind: 'partial-sync',
    target: { tableId: rec.tableId, table: args.ctx.kind === 'table' ? args.ctx.spec().src.table : name, partitions: [], replace: true },
    reason: `table ${name} (or one of its partitions) was recovered on the source`,
  };
}
