// The PENDING step of a restore job (RestoreJob.checkAndPrepareMeta): decide, per backed-up
// table and view, whether it is created, restored in place (same schema) or restored into a
// shadow table that replaces the original at commit (atomic_restore, or force_replace of a
// table whose schema differs); then create what must exist and pair every backed-up tablet
// with the local tablet (and replicas) its data goes to.
import type { ClusterModel } from '../model/cluster-model.js';
import { findTable, requireDb } from '../model/catalog.js';
import { DorisError } from '../model/errors.js';
import type { ListPartitionDef, RangePartitionDef, TableDef } from '../model/schema.js';
import type { OlapTableState } from '../model/state.js';
import { tableDefOf } from '../model/table-def.js';
import { partitionItemString } from '../model/partition-key.js';
import { dbBinlogConfig } from '../model/binlog-gc.js';
import { listItemFor, rangeItemFor } from '../model/table-builder.js';
import type { BackupMetaDoc, BackupOlapTableMeta, BackupViewMeta } from './backup-meta.js';
import type { ParsedIndex, ParsedJobInfo } from './job-info.js';
import { tableSignature, viewSignature } from './signature.js';

/** Doris' name for the shadow table of an atomic restore. */
export const ATOMIC_RESTORE_PREFIX = '__doris_atomic_restore_prefix__';

export interface RestoreOptions {
  /** origin table name → alias (TTableRef / AS). */
  aliases: Map<string, string>;
  reserveReplica: boolean;
  replicationNum: number;
  reserveDynamicPartitionEnable: boolean;
  isBeingSynced: boolean;
  atomicRestore: boolean;
  forceReplace: boolean;
}

/** One local tablet replica and the remote snapshot its data comes from. */
export interface TabletDownload {
  localTabletId: bigint;
  localBackendId: bigint;
  remoteTabletId: bigint;
  remoteBackendId: bigint;
  remotePath: string;
  /** Local column unique id for each remote one (by column name), for in-place restores. */
  uidMap: Map<number, number> | undefined;
  version: bigint;
}

export interface RestoredTable {
  /** The table's final name. */
  name: string;
  /** Where the data goes: the table itself, or its shadow. */
  workName: string;
  mode: 'create' | 'in-place' | 'replace';
  /** Partitions restored in place: partition id → backed-up version. */
  partitionVersions: Map<bigint, bigint>;
  /** Partitions this restore added to an existing table (dropped again on cancel). */
  addedPartitions: bigint[];
  backedUpPartitions: string[];
}

export interface RestorePlan {
  tables: RestoredTable[];
  /** Views created (or re-created under force_replace). */
  views: string[];
  downloads: TabletDownload[];
}

/** A restore-time failure that cancels the job with this Status message. */
export class RestoreCheckError extends Error {}

function fail(message: string): never {
  throw new RestoreCheckError(message);
}

function rewriteDb(query: string, srcDb: string, destDb: string): string {
  return srcDb === destDb ? query : query.split(`\`${srcDb}\`.`).join(`\`${destDb}\`.`);
}

export function planRestore(model: ClusterModel, dbName: string, info: ParsedJobInfo, meta: BackupMetaDoc, opts: RestoreOptions): RestorePlan {
  const db = requireDb(model.state, dbName);
  const plan: RestorePlan = { tables: [], views: [], downloads: [] };
  const metaByName = new Map(meta.tables.map((t) => [t.name, t]));
  const aliasOf = (n: string): string => opts.aliases.get(n) ?? n;
  try {
    for (const [name, tinfo] of info.tables) {
      const remote = metaByName.get(name);
      if (remote?.type !== 'OLAP') fail(`Table ${name} is not found in backup meta`);
      const destName = aliasOf(name);
      const local = findTable(db, destName);
      if (local && local.kind !== 'OLAP') fail(`The type of local table should be same as type of remote table: ${destName}`);
      const remoteDef = restrictPartitions(remote, [...tinfo.partitions.keys()]);
      let mode: RestoredTable['mode'] = 'create';
      if (local) {
        if (local.state !== 'NORMAL') fail(`Table ${destName}'s state is not NORMAL: ${local.state}`);
        const same = tableSignature(tableDefOf(local, { withRollups: true })) === tableSignature(remoteDef);
        if (!same && !opts.forceReplace) fail(`Table ${destName} already exist but with different schema`);
        mode = !same || opts.atomicRestore ? 'replace' : 'in-place';
      }
      const restored: RestoredTable = {
        name: destName,
        workName: mode === 'replace' ? `${ATOMIC_RESTORE_PREFIX}${destName}` : destName,
        mode,
        partitionVersions: new Map(),
        addedPartitions: [],
        backedUpPartitions: [...tinfo.partitions.keys()],
      };
      if (mode === 'in-place' && local?.kind === 'OLAP') checkInPlace(local, remote, tinfo);
      plan.tables.push(restored);
    }
    for (const v of info.views) {
      const remote = metaByName.get(v.name);
      if (remote?.type !== 'VIEW') fail(`View ${v.name} is not found in backup meta`);
      const destName = aliasOf(v.name);
      const local = findTable(db, destName);
      if (local && local.kind !== 'VIEW') fail(`The type of local table should be same as type of remote table: ${destName}`);
      const query = rewriteDb(remote.def.query, info.database, db.name);
      if (local?.kind === 'VIEW' && viewSignature(local.def) !== viewSignature({ ...remote.def, query })) {
        if (!opts.forceReplace) fail(`View ${destName} already exist but with different schema`);
        plan.views.push(destName);
      } else if (!local) {
        plan.views.push(destName);
      }
    }
  } catch (err) {
    if (err instanceof DorisError) throw new RestoreCheckError(err.detail);
    throw err;
  }
  return plan;
}

/**
 * Creates the tables, shadow tables, partitions and views the plan needs, and pairs tablets.
 * Anything created is recorded in the plan so a cancelled job can discard it.
 */
export function prepareRestore(model: ClusterModel, dbName: string, info: ParsedJobInfo, meta: BackupMetaDoc, opts: RestoreOptions, plan: RestorePlan): void {
  const db = requireDb(model.state, dbName);
  const metaByName = new Map(meta.tables.map((t) => [t.name, t]));
  const originOf = new Map([...info.tables.keys()].map((n) => [opts.aliases.get(n) ?? n, n]));
  try {
    for (const restored of plan.tables) {
      const origin = originOf.get(restored.name) ?? restored.name;
      const remote = metaByName.get(origin) as BackupOlapTableMeta;
      const tinfo = info.tables.get(origin);
      if (!tinfo) continue;
      const def = restrictPartitions(remote, restored.backedUpPartitions);
      let table: OlapTableState;
      if (restored.mode === 'in-place') {
        table = findTable(db, restored.name) as OlapTableState;
        for (const [pname, pinfo] of tinfo.partitions) {
          const existing = [...table.partitions.values()].find((p) => p.name === pname && !p.isTemp);
          if (existing) {
            restored.partitionVersions.set(existing.id, pinfo.version);
            continue;
          }
          const pm = remote.partitions.find((p) => p.name === pname);
          const pdef = partitionDef(def, pname);
          if (!pm || !pdef) fail(`Partition ${pname} is not found in backup meta`);
          const added = model.restore.addPartition(db.name, table.name, pdef, {
            buckets: pm.buckets,
            replicationNum: opts.reserveReplica ? pm.replicationNum : opts.replicationNum,
            version: pinfo.version,
          });
          restored.addedPartitions.push(added.id);
          restored.partitionVersions.set(added.id, pinfo.version);
        }
      } else {
        if (restored.mode === 'replace') model.restore.discardTable(db.name, restored.workName);
        const versions = new Map([...tinfo.partitions].map(([n, p]) => [n, p.version]));
        table = model.restore.createTable(db.name, restoredDef(model, db.name, def, restored.workName, opts), versions);
        for (const p of table.partitions.values()) restored.partitionVersions.set(p.id, versions.get(p.name) ?? p.visibleVersion);
      }
      pairTablets(model, info, remote, tinfo, table, restored, plan);
    }
    for (const name of plan.views) {
      const origin = [...info.views].find((v) => (opts.aliases.get(v.name) ?? v.name) === name)?.name ?? name;
      const remote = metaByName.get(origin) as BackupViewMeta;
      const existing = findTable(db, name);
      if (existing) model.restore.discardTable(db.name, name);
      model.restore.createView(db.name, { ...remote.def, name, query: rewriteDb(remote.def.query, info.database, db.name) }, remote.schema);
    }
  } catch (err) {
    if (err instanceof DorisError) throw new RestoreCheckError(err.detail);
    throw err;
  }
}

function partitionDef(def: TableDef, name: string): RangePartitionDef | ListPartitionDef | undefined {
  if (def.partition.type === 'RANGE') return def.partition.ranges.find((r) => r.name === name);
  if (def.partition.type === 'LIST') return def.partition.lists.find((l) => l.name === name);
  return undefined;
}

function restrictPartitions(remote: BackupOlapTableMeta, names: string[]): TableDef {
  const def = remote.def;
  const keep = new Set(names);
  if (def.partition.type === 'RANGE') return { ...def, partition: { ...def.partition, ranges: def.partition.ranges.filter((r) => keep.has(r.name)) } };
  if (def.partition.type === 'LIST') return { ...def, partition: { ...def.partition, lists: def.partition.lists.filter((l) => keep.has(l.name)) } };
  return def;
}

/** The definition a restored table is created from: name, replication, binlog, sync flags. */
function restoredDef(model: ClusterModel, dbName: string, def: TableDef, name: string, opts: RestoreOptions): TableDef {
  const props: Record<string, string> = { ...def.properties };
  delete props['colocate_with'];
  if (!opts.reserveReplica) {
    props['replication_num'] = String(opts.replicationNum);
    delete props['replication_allocation'];
  }
  if (opts.isBeingSynced) props['is_being_synced'] = 'true';
  else delete props['is_being_synced'];
  if (!opts.reserveDynamicPartitionEnable && props['dynamic_partition.enable'] !== undefined) props['dynamic_partition.enable'] = 'false';
  // A database with binlog enabled imposes its binlog config on the tables restored into it.
  const db = model.catalog.database(dbName);
  const dbCfg = dbBinlogConfig(db?.properties ?? new Map<string, string>());
  if (dbCfg.enable) {
    props['binlog.enable'] = 'true';
    props['binlog.ttl_seconds'] = dbCfg.ttlSeconds.toString();
    props['binlog.max_bytes'] = dbCfg.maxBytes.toString();
    props['binlog.max_history_nums'] = dbCfg.maxHistoryNums.toString();
  }
  const base = {
    ...def,
    name,
    properties: props,
  };
  if (opts.reserveReplica) return base;
  const strip = <T extends { properties?: Record<string, string> | undefined }>(pd: T): T => {
    if (!pd.properties) return pd;
    const rest = { ...pd.properties };
    delete rest['replication_num'];
    return { ...pd, properties: rest };
  };
  if (base.partition.type === 'RANGE') return { ...base, partition: { ...base.partition, ranges: base.partition.ranges.map(strip) } };
  if (base.partition.type === 'LIST') return { ...base, partition: { ...base.partition, lists: base.partition.lists.map(strip) } };
  return base;
}

/** In-place restore: existing partitions must have the backed-up range and bucket number. */
function checkInPlace(local: OlapTableState, remote: BackupOlapTableMeta, tinfo: ParsedJobInfo['tables'] extends Map<string, infer T> ? T : never): void {
  for (const pname of tinfo.partitions.keys()) {
    const lp = [...local.partitions.values()].find((p) => p.name === pname && !p.isTemp);
    const rp = remote.partitions.find((p) => p.name === pname);
    if (!lp || !rp) continue;
    const rdef = partitionDef(remote.def, pname);
    const scratch = rdef ? rangeOrListString(local, rdef) : '';
    if (rdef && scratch !== partitionItemString(lp.item)) {
      fail(`Partition ${pname} in table ${local.name} has different partition item with partition in repository`);
    }
    if (lp.buckets !== rp.buckets) fail(`Partition ${pname} in table ${local.name} has different buckets with partition in repository`);
  }
}

/** The item string a backed-up partition definition has in the local table's key types. */
function rangeOrListString(local: OlapTableState, def: RangePartitionDef | ListPartitionDef): string {
  // Build against a copy without the partition itself so the overlap check does not fire.
  const others = new Map([...local.partitions].filter(([, p]) => p.name !== def.name || p.isTemp));
  const probe: OlapTableState = { ...local, partitions: others };
  try {
    return 'upper' in def ? partitionItemString(rangeItemFor(probe, def, false)) : partitionItemString(listItemFor(probe, def, false));
  } catch {
    return '';
  }
}

/** Pairs backed-up tablets with local tablets (both in bucket order) for every replica. */
function pairTablets(
  model: ClusterModel,
  info: ParsedJobInfo,
  remote: BackupOlapTableMeta,
  tinfo: NonNullable<ReturnType<ParsedJobInfo['tables']['get']>>,
  table: OlapTableState,
  restored: RestoredTable,
  plan: RestorePlan,
): void {
  const uidMap = restored.mode === 'in-place' ? columnUidMap(remote, table) : undefined;
  for (const [pname, pinfo] of tinfo.partitions) {
    const partition = [...table.partitions.values()].find((p) => p.name === pname && !p.isTemp);
    if (!partition) fail(`Partition ${pname} of table ${restored.name} not found`);
    for (const [iname, iinfo] of pinfo.indexes) {
      const localIndexName = iname === remote.name ? table.name : iname;
      const index = [...table.indexes.values()].find((i) => i.name === localIndexName && i.state === 'NORMAL');
      if (!index) fail(`Index ${iname} of table ${restored.name} not found`);
      const localTablets = partition.tablets.get(index.id) ?? [];
      pairIndex(model, info, iinfo, localTablets, pinfo.version, uidMap, plan, `${restored.name}.${pname}.${iname}`);
    }
  }
}

function pairIndex(
  model: ClusterModel,
  info: ParsedJobInfo,
  iinfo: ParsedIndex,
  localTablets: bigint[],
  version: bigint,
  uidMap: Map<number, number> | undefined,
  plan: RestorePlan,
  where: string,
): void {
  if (iinfo.tabletsOrder.length !== localTablets.length) {
    fail(`The number of tablets of ${where} is different: local ${localTablets.length}, remote ${iinfo.tabletsOrder.length}`);
  }
  iinfo.tabletsOrder.forEach((remoteTabletId, i) => {
    const localTabletId = localTablets[i] as bigint;
    const remoteBackendId = info.tabletBeMap.get(remoteTabletId);
    const snapshotPath = info.tabletSnapshotPathMap.get(remoteTabletId);
    if (remoteBackendId === undefined || snapshotPath === undefined) fail(`tablet ${remoteTabletId} has no snapshot in the job info`);
    for (const r of model.storage.tablet(localTabletId)?.replicas ?? []) {
      plan.downloads.push({
        localTabletId,
        localBackendId: r.backendId,
        remoteTabletId,
        remoteBackendId,
        remotePath: `${snapshotPath}/${remoteTabletId}/${iinfo.schemaHash}`,
        uidMap,
        version,
      });
    }
  });
}

function columnUidMap(remote: BackupOlapTableMeta, local: OlapTableState): Map<number, number> {
  const byName = new Map(local.columns.map((c) => [c.name.toLowerCase(), c.uniqueId]));
  const out = new Map<number, number>();
  for (const c of remote.def.columns) {
    const uid = byName.get(c.name.toLowerCase());
    if (c.uniqueId !== undefined && uid !== undefined) out.set(c.uniqueId, uid);
  }
  return out;
}
