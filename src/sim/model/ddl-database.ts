// CREATE / DROP / ALTER DATABASE. Creating and dropping a database are journaled without a
// binlog; ALTER DATABASE … SET PROPERTIES logs ALTER_DATABASE_PROPERTY, decided by the flags
// as they were before the change (Doris' binlog-config cache still holds the old value
// when the binlog is added, and drops it afterwards).
import { BinlogType } from '../../doris/types.js';
import { alterDatabasePropertyInfo } from './binlog-records.js';
import { findDb, requireDb } from './catalog.js';
import type { ModelContext } from './context.js';
import { databaseDropMissing, databaseExists, ddlError } from './errors.js';
import { allocateId } from './ids.js';
import { binlogFlags, logOperation } from './journal.js';
import type { DatabaseState } from './state.js';
import { eraseTable, partitionTabletIds } from './ddl-table.js';
import { removeTablets } from './storage.js';

const BINLOG_KEYS = ['binlog.enable', 'binlog.ttl_seconds', 'binlog.max_bytes', 'binlog.max_history_nums'];

export function createDatabase(
  ctx: ModelContext,
  name: string,
  opts: { ifNotExists?: boolean | undefined; properties?: Record<string, string> | undefined } = {},
): DatabaseState {
  const existing = findDb(ctx.state, name);
  if (existing) {
    if (opts.ifNotExists) return existing;
    throw databaseExists(name);
  }
  const db: DatabaseState = {
    id: allocateId(ctx.state),
    name,
    createTimeMs: ctx.clock(),
    properties: new Map(Object.entries(opts.properties ?? {})),
    tables: new Map(),
  };
  ctx.state.dbs.set(db.id, db);
  logOperation(ctx);
  return db;
}

/**
 * DROP DATABASE: the database and its tables go away with their tablets and binlogs
 * (simplification: Doris keeps a dropped database in the recycle bin for RECOVER).
 */
export function dropDatabase(ctx: ModelContext, name: string, opts: { ifExists?: boolean | undefined } = {}): void {
  const db = findDb(ctx.state, name);
  if (!db) {
    if (opts.ifExists) return;
    throw databaseDropMissing(name);
  }
  for (const table of db.tables.values()) eraseTable(ctx, table);
  for (const [id, r] of ctx.state.recycleTables) {
    if (r.dbId !== db.id) continue;
    eraseTable(ctx, r.table);
    ctx.state.recycleTables.delete(id);
  }
  for (const [id, r] of ctx.state.recyclePartitions) {
    if (r.dbId !== db.id) continue;
    removeTablets(ctx.state, partitionTabletIds(r.partition));
    ctx.state.recyclePartitions.delete(id);
  }
  ctx.state.dbs.delete(db.id);
  ctx.state.binlogs.delete(db.id);
  logOperation(ctx);
}

/** ALTER DATABASE name RENAME new_name (journaled, no binlog). */
export function renameDatabase(ctx: ModelContext, name: string, newName: string): void {
  const db = requireDb(ctx.state, name);
  if (name === newName) throw ddlError('Same database name');
  if (findDb(ctx.state, newName)) throw databaseExists(newName);
  db.name = newName;
  logOperation(ctx);
}

/**
 * ALTER DATABASE … SET PROPERTIES. Enabling the database binlog requires every OLAP table
 * to have binlog enabled already ("binlog is not enable in table[t] in db [d]").
 */
export function alterDatabaseProperties(ctx: ModelContext, name: string, properties: Record<string, string>): void {
  const db = requireDb(ctx.state, name);
  if (properties['binlog.enable'] !== undefined) {
    const v = properties['binlog.enable'].toLowerCase();
    if (v !== 'true' && v !== 'false') throw ddlError(`Invalid binlog.enable value: ${properties['binlog.enable']}`);
    if (v === 'true') {
      for (const t of db.tables.values()) {
        if (t.kind === 'OLAP' && !t.binlog.enable) throw ddlError(`binlog is not enable in table[${t.name}] in db [${db.name}]`);
      }
    }
  }
  for (const k of BINLOG_KEYS.slice(1)) {
    const v = properties[k];
    if (v !== undefined && !/^-?\d+$/.test(v.trim())) throw ddlError(`Invalid ${k} value: ${v}`);
  }
  const flags = binlogFlags(ctx.state, db.id, []);
  for (const [k, v] of Object.entries(properties)) db.properties.set(k, k === 'binlog.enable' ? v.toLowerCase() : v);
  logOperation(ctx, {
    type: BinlogType.ALTER_DATABASE_PROPERTY,
    dbId: db.id,
    tableIds: [],
    flags,
    removeEnableCache: true,
    data: () => alterDatabasePropertyInfo({ dbId: db.id, dbName: db.name, properties: new Map(Object.entries(properties)) }),
  });
}
