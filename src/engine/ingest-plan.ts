// Plans the ingest_binlog calls for one UPSERT binlog (doc/doris-protocol.md §3, gotchas
// 12–15): for each table record → each partition record (temp and dropped partitions
// skipped) → the destination partition with the same range string → each loaded index
// (shadow and dropped indexes skipped), matched by name → source and destination tablets
// paired by position in id order → one call per destination replica, pulling from a source
// replica that already has the binlog's version. Pure: metadata comes in, calls come out.
import { CcrError } from '../errors/ccr-error.js';
import type {
  TBackend,
  TGetMetaDBMeta,
  TGetMetaIndexMeta,
  TGetMetaPartitionMeta,
  TGetMetaTableMeta,
  TIngestBinlogRequest,
  TTabletCommitInfo,
} from '../doris/types.js';
import type { UpsertRecord } from './records.js';

export interface IngestCall {
  /** Destination backend that runs the ingest. */
  destBackendId: bigint;
  request: TIngestBinlogRequest;
  /** What to report in commitTxn when this call succeeds. */
  commitInfo: TTabletCommitInfo;
}

export interface IngestPlanInput {
  upsert: UpsertRecord;
  destTxnId: bigint;
  /** Source table id → destination table id, for the tables this job replicates. */
  tableMapping: ReadonlyMap<bigint, bigint>;
  srcMeta: TGetMetaDBMeta;
  destMeta: TGetMetaDBMeta;
  srcBackends: ReadonlyMap<bigint, TBackend>;
  /** Shadow index ids of running schema changes on the source. */
  shadowIndexes: ReadonlyMap<bigint, bigint>;
  /** Rewrites a source BE host the destination BEs must reach (host mapping). */
  mapSourceHost?: (host: string) => string;
  /**
   * Only pull from source replicas whose version reached the binlog's (default true). Cached
   * source metadata carries stale replica versions, so callers planning from the cache turn
   * this off and re-plan with fresh metadata if an ingest fails.
   */
  requireVersion?: boolean;
}

export interface IngestPlan {
  calls: IngestCall[];
  /** Destination table ids the transaction touches (for beginTxn). */
  destTableIds: bigint[];
  /** Partition records skipped, with the reason (for debug logs). */
  skipped: { tableId: bigint; partitionId?: bigint; reason: string }[];
}

/**
 * Thrown when source and destination metadata do not line up (missing partition or index,
 * different tablet counts). The caller first retries with fresh metadata; if it persists the
 * destination table is re-synced (partial sync), which is what `tableId` is for.
 */
export class MetaMismatchError extends CcrError {
  constructor(
    message: string,
    readonly srcTableId: bigint,
  ) {
    super('CCR_E0201', message, {
      category: 'meta',
      disposition: 'partial-sync',
      details: { srcTableId: srcTableId.toString() },
    });
    this.name = 'MetaMismatchError';
  }
}

const byId = (a: { id?: bigint | undefined }, b: { id?: bigint | undefined }): number =>
  (a.id ?? 0n) < (b.id ?? 0n) ? -1 : (a.id ?? 0n) > (b.id ?? 0n) ? 1 : 0;

function droppedSet(list: bigint[] | undefined, map: Record<string, bigint> | undefined): Set<bigint> {
  const out = new Set<bigint>(list ?? []);
  for (const k of Object.keys(map ?? {})) out.add(BigInt(k));
  return out;
}

function findTable(meta: TGetMetaDBMeta, id: bigint): TGetMetaTableMeta | undefined {
  return meta.tables?.find((t) => t.id === id);
}

export function planIngest(input: IngestPlanInput): IngestPlan {
  const { upsert, srcMeta, destMeta } = input;
  const droppedTables = droppedSet(srcMeta.dropped_tables, srcMeta.dropped_table_map);
  const droppedPartitions = droppedSet(srcMeta.dropped_partitions, srcMeta.dropped_partition_map);
  const droppedIndexes = droppedSet(srcMeta.dropped_indexes, srcMeta.dropped_index_map);
  const calls: IngestCall[] = [];
  const destTableIds: bigint[] = [];
  const skipped: IngestPlan['skipped'] = [];
  const rr = new Map<bigint, number>(); // round-robin cursor per source tablet

  for (const [tableKey, record] of Object.entries(upsert.tableRecords)) {
    const srcTableId = BigInt(tableKey);
    const destTableId = input.tableMapping.get(srcTableId);
    if (destTableId === undefined) {
      skipped.push({ tableId: srcTableId, reason: 'table not replicated by this job' });
      continue;
    }
    if (droppedTables.has(srcTableId)) {
      skipped.push({ tableId: srcTableId, reason: 'source table dropped later' });
      continue;
    }
    const srcTable = findTable(srcMeta, srcTableId);
    if (!srcTable) {
      // getMeta silently omits tables it cannot find: the table is gone from the source.
      skipped.push({ tableId: srcTableId, reason: 'source table no longer exists' });
      continue;
    }
    const destTable = findTable(destMeta, destTableId);
    if (!destTable) {
      throw new MetaMismatchError(`destination table ${destTableId} (source ${srcTable.name ?? srcTableId}) not found`, srcTableId);
    }
    let touched = false;
    for (const pr of record.partitionRecords) {
      if (pr.isTempPartition) {
        skipped.push({ tableId: srcTableId, partitionId: pr.partitionId, reason: 'temporary partition' });
        continue;
      }
      if (droppedPartitions.has(pr.partitionId)) {
        skipped.push({ tableId: srcTableId, partitionId: pr.partitionId, reason: 'source partition dropped later' });
        continue;
      }
      const srcPart = srcTable.partitions?.find((p) => p.id === pr.partitionId);
      if (!srcPart) {
        skipped.push({ tableId: srcTableId, partitionId: pr.partitionId, reason: 'source partition no longer exists' });
        continue;
      }
      const destPart = destTable.partitions?.find((p) => !p.is_temp && p.range === pr.range);
      if (!destPart) {
        throw new MetaMismatchError(
          `no destination partition of table ${destTable.name ?? destTableId} has range ${pr.range} (source partition ${srcPart.name ?? pr.partitionId})`,
          srcTableId,
        );
      }
      const indexIds =
        record.indexIds && record.indexIds.length > 0
          ? record.indexIds
          : (srcPart.indexes ?? []).map((i) => i.id).filter((id): id is bigint => id !== undefined);
      const filled = new Set<bigint | undefined>();
      for (const indexId of indexIds) {
        if (input.shadowIndexes.has(indexId) || droppedIndexes.has(indexId)) continue;
        const srcIndex = srcPart.indexes?.find((i) => i.id === indexId);
        if (!srcIndex) continue; // a shadow index the FE already swapped out, or a dropped rollup
        const destIndex = matchIndex(srcIndex, srcTable, destTable, destPart);
        if (!destIndex) {
          throw new MetaMismatchError(
            `index ${srcIndex.name ?? indexId} of table ${srcTable.name ?? srcTableId} has no destination counterpart`,
            srcTableId,
          );
        }
        planTablets(input, srcTableId, srcPart, srcIndex, destPart, destIndex, pr.version, rr, calls);
        filled.add(destIndex.id);
        touched = true;
      }
      // The FE commits a load only when every index of each loaded partition received it. A
      // destination index left out — a rollup dropped on the source after this load, whose
      // DROP_ROLLUP is not replayed yet — would fail the commit on every retry.
      const unfilled = filled.size === 0 ? [] : (destPart.indexes ?? []).filter((i) => !filled.has(i.id));
      if (unfilled.length > 0) {
        throw new MetaMismatchError(
          `index ${unfilled.map((i) => i.name ?? i.id).join(', ')} of destination table ${destTable.name ?? destTableId} gets no rows from this load (dropped on the source since?)`,
          srcTableId,
        );
      }
    }
    if (touched) destTableIds.push(destTableId);
  }
  return { calls, destTableIds, skipped };
}

/** The base index is named after its table; a renamed (aliased) table maps its base index name. */
function matchIndex(
  srcIndex: TGetMetaIndexMeta,
  srcTable: TGetMetaTableMeta,
  destTable: TGetMetaTableMeta,
  destPart: TGetMetaPartitionMeta,
): TGetMetaIndexMeta | undefined {
  const wanted = srcIndex.name === srcTable.name ? destTable.name : srcIndex.name;
  return destPart.indexes?.find((i) => i.name === wanted);
}

function planTablets(
  input: IngestPlanInput,
  srcTableId: bigint,
  srcPart: TGetMetaPartitionMeta,
  srcIndex: TGetMetaIndexMeta,
  destPart: TGetMetaPartitionMeta,
  destIndex: TGetMetaIndexMeta,
  version: bigint,
  rr: Map<bigint, number>,
  calls: IngestCall[],
): void {
  const srcTablets = [...(srcIndex.tablets ?? [])].sort(byId);
  const destTablets = [...(destIndex.tablets ?? [])].sort(byId);
  if (srcTablets.length !== destTablets.length) {
    throw new MetaMismatchError(
      `index ${srcIndex.name ?? srcIndex.id} of partition ${srcPart.name ?? srcPart.id} has ${srcTablets.length} source tablets but ${destTablets.length} destination tablets`,
      srcTableId,
    );
  }
  srcTablets.forEach((srcTablet, i) => {
    const destTablet = destTablets[i];
    if (!destTablet || srcTablet.id === undefined || destTablet.id === undefined) return;
    const sources = (srcTablet.replicas ?? []).filter(
      (r) =>
        r.backend_id !== undefined &&
        (input.requireVersion === false || (r.version ?? -1n) >= version) &&
        input.srcBackends.get(r.backend_id)?.is_alive !== false,
    );
    if (sources.length === 0) {
      throw new CcrError(
        'CCR_E0202',
        `no live source replica of tablet ${srcTablet.id} has version ${version} yet`,
        { category: 'meta', disposition: 'retry', details: { tabletId: srcTablet.id.toString() } },
      );
    }
    for (const destReplica of destTablet.replicas ?? []) {
      if (destReplica.backend_id === undefined) continue;
      const cursor = rr.get(srcTablet.id) ?? 0;
      rr.set(srcTablet.id, cursor + 1);
      const source = sources[cursor % sources.length];
      const srcBackend = source?.backend_id === undefined ? undefined : input.srcBackends.get(source.backend_id);
      if (!srcBackend) {
        throw new CcrError('CCR_E0203', `source backend ${source?.backend_id} of tablet ${srcTablet.id} is unknown`, {
          category: 'meta',
          disposition: 'retry',
        });
      }
      calls.push({
        destBackendId: destReplica.backend_id,
        request: {
          txn_id: input.destTxnId,
          remote_tablet_id: srcTablet.id,
          binlog_version: version,
          remote_host: input.mapSourceHost ? input.mapSourceHost(srcBackend.host) : srcBackend.host,
          remote_port: String(srcBackend.http_port),
          partition_id: destPart.id,
          local_tablet_id: destTablet.id,
          load_id: { hi: -1n, lo: -1n },
        },
        commitInfo: { tabletId: destTablet.id, backendId: destReplica.backend_id },
      });
    }
  });
}
