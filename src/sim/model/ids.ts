// The cluster's two counters. Catalog objects (databases, tables, partitions, indexes,
// tablets, replicas), alter jobs and transactions draw ids from one allocator, as
// Env.getNextId() does (ids start near 10000 and tablets are drawn in bucket order). Every
// logged metadata operation draws one edit-log journal id; binlogs use it as their
// commit_seq, so commit seqs form one increasing, gapped sequence shared by all databases.
import type { ClusterState } from './state.js';

export function allocateId(state: ClusterState): bigint {
  const id = state.nextId;
  state.nextId = id + 1n;
  return id;
}

/** Draws the journal id of one logged operation (also for operations without a binlog). */
export function allocateJournalId(state: ClusterState): bigint {
  const id = state.nextJournalId;
  state.nextJournalId = id + 1n;
  return id;
}

/** A new rowset id, unique in the cluster (Doris prints them as 128-bit hex; we keep it short). */
export function allocateRowsetId(state: ClusterState): string {
  state.rowsetSeq += 1;
  return `02000000000000${state.rowsetSeq.toString(16).padStart(10, '0')}`;
}
