// Views: CREATE [OR REPLACE] VIEW logs CREATE_TABLE (tableType VIEW, sql = SHOW CREATE VIEW
// text), ALTER VIEW logs MODIFY_VIEW_DEF; DROP VIEW goes through dropTable (DROP_TABLE,
// isView). The model stores the view query as the SQL layer hands it over, which should be
// Doris' inline view definition with qualified names (`internal`.`db`.`t`).
import { BinlogType } from '../../doris/types.js';
import { alterViewInfo, createTableRecord } from './binlog-records.js';
import { findTable, requireDb, requireView } from './catalog.js';
import { columnGson } from './column-sql.js';
import type { ModelContext } from './context.js';
import { tableExists } from './errors.js';
import { allocateId } from './ids.js';
import { logOperation } from './journal.js';
import type { ColumnDef, ViewDef } from './schema.js';
import { showCreateView } from './show-create.js';
import type { ViewState } from './state.js';

export interface CreateViewOptions {
  ifNotExists?: boolean | undefined;
  orReplace?: boolean | undefined;
  /** The view's output columns (types), if the SQL layer analysed the query. */
  schema?: ColumnDef[] | undefined;
  /** Journal the creation without a CREATE_TABLE binlog (views created by a RESTORE). */
  silent?: boolean | undefined;
}

export function createView(ctx: ModelContext, dbName: string, def: ViewDef, opts: CreateViewOptions = {}): ViewState {
  const db = requireDb(ctx.state, dbName);
  const existing = findTable(db, def.name);
  if (existing) {
    if (existing.kind === 'VIEW' && opts.orReplace) return alterView(ctx, dbName, def, opts.schema);
    if (opts.ifNotExists && existing.kind === 'VIEW') return existing;
    throw tableExists(def.name);
  }
  const view: ViewState = {
    kind: 'VIEW',
    id: allocateId(ctx.state),
    name: def.name,
    dbId: db.id,
    def: { ...def },
    schema: opts.schema ?? [],
    createTimeMs: ctx.clock(),
  };
  db.tables.set(view.id, view);
  if (opts.silent) {
    logOperation(ctx);
    return view;
  }
  logOperation(ctx, {
    type: BinlogType.CREATE_TABLE,
    dbId: db.id,
    tableIds: [view.id],
    data: (commitSeq) =>
      createTableRecord({
        commitSeq,
        dbId: db.id,
        dbName: db.name,
        tableId: view.id,
        tableName: view.name,
        tableType: 'VIEW',
        sql: showCreateView(view),
      }),
  });
  return view;
}

/** ALTER VIEW v [(cols)] AS query. */
export function alterView(ctx: ModelContext, dbName: string, def: ViewDef, schema?: ColumnDef[]): ViewState {
  const db = requireDb(ctx.state, dbName);
  const view = requireView(db, def.name);
  view.def = { ...def };
  if (schema) view.schema = schema;
  logOperation(ctx, {
    type: BinlogType.MODIFY_VIEW_DEF,
    dbId: db.id,
    tableIds: [view.id],
    data: () =>
      alterViewInfo({
        dbId: db.id,
        tableId: view.id,
        inlineViewDef: def.query,
        sqlMode: 0n,
        newFullSchema: view.schema.map((c) => columnGson(c, false)),
      }),
  });
  return view;
}
