// Catalog lookups over the cluster state. Database and table names are case-sensitive (Doris
// default lower_case_table_names = 0); failures throw the Doris errors clients see.
import { DorisError, unknownDatabase, unknownTable } from './errors.js';
import type {
  ClusterState,
  DatabaseState,
  IndexState,
  OlapTableState,
  PartitionState,
  TableState,
  ViewState,
} from './state.js';

const ERR_WRONG_OBJECT = 1347;

export function findDb(state: ClusterState, name: string): DatabaseState | undefined {
  for (const db of state.dbs.values()) if (db.name === name) return db;
  return undefined;
}

/** getDbOrDdlException: "Unknown database 'x'" (1049). */
export function requireDb(state: ClusterState, name: string): DatabaseState {
  const db = findDb(state, name);
  if (!db) throw unknownDatabase(name);
  return db;
}


export function findTable(db: DatabaseState, name: string): TableState | undefined {
  for (const t of db.tables.values()) if (t.name === name) return t;
  return undefined;
}

/** getTableOrDdlException: "Unknown table 'x'" (1051). */
export function requireTable(db: DatabaseState, name: string): TableState {
  const t = findTable(db, name);
  if (!t) throw unknownTable(name);
  return t;
}

/** An OLAP table for ALTER/TRUNCATE/loads; a view by that name is rejected. */
export function requireOlapTable(db: DatabaseState, name: string): OlapTableState {
  const t = requireTable(db, name);
  if (t.kind !== 'OLAP') throw notObject(db, t.name, 'OLAP_TABLE');
  return t;
}

export function requireView(db: DatabaseState, name: string): ViewState {
  const t = requireTable(db, name);
  if (t.kind !== 'VIEW') throw notObject(db, t.name, 'VIEW');
  return t;
}

/** ERR_WRONG_OBJECT: "'db.t' is not VIEW" / "'db.v' is not TABLE" (the syncer matches "is not TABLE"). */
export function notObject(db: DatabaseState, name: string, what: string): DorisError {
  return new DorisError(ERR_WRONG_OBJECT, `'${db.name}.${name}' is not ${what}`);
}

export function findTableById(state: ClusterState, tableId: bigint): { db: DatabaseState; table: TableState } | undefined {
  for (const db of state.dbs.values()) {
    const table = db.tables.get(tableId);
    if (table) return { db, table };
  }
  return undefined;
}

export function findPartition(table: OlapTableState, name: string, isTemp: boolean): PartitionState | undefined {
  for (const p of table.partitions.values()) if (p.name === name && p.isTemp === isTemp) return p;
  return undefined;
}

/** Formal partitions in catalog order (creation order, as Doris' idToPartition iteration). */
export function formalPartitions(table: OlapTableState): PartitionState[] {
  return [...table.partitions.values()].filter((p) => !p.isTemp);
}

export function tempPartitions(table: OlapTableState): PartitionState[] {
  return [...table.partitions.values()].filter((p) => p.isTemp);
}

export function baseIndex(table: OlapTableState): IndexState {
  const idx = table.indexes.get(table.baseIndexId);
  if (!idx) throw new Error(`table ${table.name} has no base index`);
  return idx;
}


/** Visible (non-shadow) indexes: base first, then rollups in creation order. */
export function visibleIndexes(table: OlapTableState): IndexState[] {
  const out = [baseIndex(table)];
  for (const idx of table.indexes.values()) if (idx.id !== table.baseIndexId && idx.state === 'NORMAL') out.push(idx);
  return out;
}
