// getMeta / getBackendMeta (FrontendServiceImpl, Env.getMeta): the tablet-level metadata the
// syncer pairs source and destination tablets with. Databases that do not exist give OK
// without db_meta, unknown tables are left out, every partition (temporary ones flagged)
// lists every index (shadow indexes of running schema changes included) with its tablets in
// bucket order and each replica's own version; the dropped_* lists and maps carry what was
// dropped until binlog GC passes it.
import {
  StatusCode,
  type TGetBackendMetaResult,
  type TGetMetaDB,
  type TGetMetaPartitionMeta,
  type TGetMetaResult,
  type TGetMetaTableMeta,
} from '../../doris/types.js';
import { droppedResources } from './binlog-manager.js';
import { findDb, findTable } from './catalog.js';
import type { ModelContext } from './context.js';
import { partitionItemString } from './partition-key.js';
import type { DatabaseState, OlapTableState, PartitionState, TableState } from './state.js';

function mapOf(entries: [bigint, bigint][]): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const [id, seq] of entries) out[id.toString()] = seq;
  return out;
}

export class MetaService {
  constructor(private readonly ctx: ModelContext) {}

  /** getMeta for a database (all tables) or the tables named by id or name in the request. */
  getMeta(reqDb: TGetMetaDB | undefined): TGetMetaResult {
    const db = this.findDb(reqDb);
    if (!db) return { status: { status_code: StatusCode.OK } };
    const tables: TableState[] = [];
    if (reqDb?.tables) {
      for (const t of reqDb.tables) {
        const found = t.id !== undefined && t.id > 0n ? db.tables.get(t.id) : t.name !== undefined ? findTable(db, t.name) : undefined;
        if (found) tables.push(found);
      }
    } else {
      tables.push(...db.tables.values());
    }
    const dropped = droppedResources(this.ctx.state, db.id);
    return {
      status: { status_code: StatusCode.OK },
      db_meta: {
        id: db.id,
        name: db.name,
        tables: reqDb?.only_table_names ? tables.map((t) => ({ id: t.id, name: t.name })) : tables.map((t) => this.tableMeta(t)),
        dropped_partitions: dropped.partitions.map(([id]) => id),
        dropped_tables: dropped.tables.map(([id]) => id),
        dropped_indexes: dropped.indexes.map(([id]) => id),
        dropped_partition_map: mapOf(dropped.partitions),
        dropped_table_map: mapOf(dropped.tables),
        dropped_index_map: mapOf(dropped.indexes),
      },
    };
  }

  private findDb(reqDb: TGetMetaDB | undefined): DatabaseState | undefined {
    if (reqDb?.id !== undefined && reqDb.id > 0n) return this.ctx.state.dbs.get(reqDb.id);
    return reqDb?.name !== undefined ? findDb(this.ctx.state, reqDb.name) : undefined;
  }

  private tableMeta(t: TableState): TGetMetaTableMeta {
    if (t.kind !== 'OLAP') return { id: t.id, name: t.name, in_trash: false, type: t.kind, partitions: [] };
    return { id: t.id, name: t.name, in_trash: false, type: 'OLAP', partitions: [...t.partitions.values()].map((p) => this.partitionMeta(t, p)) };
  }

  private partitionMeta(t: OlapTableState, p: PartitionState): TGetMetaPartitionMeta {
    return {
      id: p.id,
      name: p.name,
      range: partitionItemString(p.item),
      visible_version: p.visibleVersion,
      is_temp: p.isTemp,
      indexes: [...t.indexes.values()].map((idx) => ({
        id: idx.id,
        name: idx.name,
        tablets: (p.tablets.get(idx.id) ?? []).map((tabletId) => ({
          id: tabletId,
          replicas: (this.ctx.state.tablets.get(tabletId)?.replicas ?? []).map((r) => ({
            id: r.id,
            backend_id: r.backendId,
            version: r.version,
          })),
        })),
      })),
    };
  }

  /** getBackendMeta: every backend with its ports and alive flag. */
  getBackendMeta(): TGetBackendMetaResult {
    const backends = [...this.ctx.state.backends.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
    return {
      status: { status_code: StatusCode.OK },
      backends: backends.map((b) => ({
        host: b.host,
        be_port: b.bePort,
        http_port: b.httpPort,
        brpc_port: b.brpcPort,
        is_alive: b.alive,
        id: b.id,
      })),
    };
  }
}
