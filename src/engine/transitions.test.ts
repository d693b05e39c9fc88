import { describe, expect, it } from 'vitest';
import { newProgress, type Progress } from './progress.js';
import { leaveTablesIncrementalIfCaughtUp, markApplied, markInFlight, startFullSync, startPartialSync } from './transitions.js';

const base = (): Progress => ({ ...newProgress('db', 100), syncState: 'DBIncrementalSync', subState: 'Done', prevCommitSeq: 50n, commitSeq: 50n, jobSyncId: 2 });

describe('transitions', () => {
  it('starts a full sync as a new generation with a fresh snapshot name and reason', () => {
    const p = startFullSync({ ...base(), shadowIndexes: new Map([[1n, 2n]]) }, 'db', 'job', 'binlogs gc', 1_700_000_000_000);
    expect(p).toMatchObject({
      syncState: 'DBFullSync',
      subState: 'BeginCreateSnapshot',
      jobSyncId: 3,
      fullSyncCount: 1,
      lastFullSyncReason: 'binlogs gc',
      fullSyncStartAt: 1_700_000_000,
    });
    expect(p.snapshot).toEqual({ kind: 'full', snapshotName: 'ccrs_job_3_1700000000', reason: 'binlogs gc' });
    expect(p.shadowIndexes.size).toBe(0);
  });

  it('starts a partial sync past the triggering binlog, never moving the cursor back', () => {
    const target = { tableId: 7n, table: 't', partitions: [], replace: true };
    const p = startPartialSync(base(), 'table', 'job', target, 'schema change', 60n, 1_000);
    expect(p).toMatchObject({ syncState: 'TablePartialSync', prevCommitSeq: 60n, commitSeq: 60n, jobSyncId: 3, partialSyncCount: 1 });
    expect(p.snapshot?.partial).toEqual(target);
    expect(startPartialSync(base(), 'db', 'job', target, 'x', 10n, 1_000).prevCommitSeq).toBe(50n);
  });

  it('marks in-flight and applied binlogs', () => {
    expect(markInFlight(base(), 51n)).toMatchObject({ prevCommitSeq: 50n, commitSeq: 51n });
    expect(markApplied(markInFlight(base(), 51n), 51n)).toMatchObject({ prevCommitSeq: 51n, commitSeq: 51n });
  });

  it('leaves DBTablesIncrementalSync only once every table snapshot seq is passed', () => {
    const p: Progress = { ...base(), syncState: 'DBTablesIncrementalSync', tableCommitSeqMap: new Map([[1n, 40n], [2n, 55n]]) };
    expect(leaveTablesIncrementalIfCaughtUp(p, 0)).toBe(p);
    const later = leaveTablesIncrementalIfCaughtUp({ ...p, prevCommitSeq: 55n }, 9_000);
    expect(later).toMatchObject({ syncState: 'DBIncrementalSync', incrementalSyncStartAt: 9 });
    expect(later.tableCommitSeqMap.size).toBe(0);
  });
});
