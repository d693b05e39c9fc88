import { describe, expect, it } from 'vitest';
import { CcrError } from '../errors/ccr-error.js';
import { decodeProgress, encodeProgress } from './progress-codec.js';
import { newProgress, type Progress } from './progress.js';

describe('progress codec', () => {
  it('round-trips every field, 64-bit values included', () => {
    const p: Progress = {
      ...newProgress('db', 1_700_000_000),
      syncState: 'DBPartialSync',
      subState: 'WaitRestoreDone',
      prevCommitSeq: 9223372036854775000n,
      commitSeq: 9223372036854775001n,
      tableMapping: new Map([[10020n, 20020n]]),
      tableNames: new Map([[10020n, 't1']]),
      tableCommitSeqMap: new Map([[10020n, 555n]]),
      shadowIndexes: new Map([[30001n, 10021n]]),
      tableAliases: new Map([['t1', '__ccr_t1_1700000000']]),
      snapshot: {
        kind: 'partial',
        snapshotName: 'ccrp_job_3_1700000000',
        restoreLabel: 'ccrp_job_3_1700000000_r_1700000001',
        tableCommitSeqMap: new Map([[10020n, 600n]]),
        tableNames: new Map([[10020n, 't1']]),
        viewIds: [10030n],
        partial: { tableId: 10020n, table: 't1', partitions: ['p1'], replace: false },
        reason: 'replace partitions',
      },
      jobSyncId: 3,
      fullSyncCount: 1,
      partialSyncCount: 2,
      lastFullSyncReason: 'binlogs were garbage-collected',
    };
    expect(decodeProgress('job', encodeProgress('job', p))).toEqual(p);
  });

  it('uses the Go key names and numeric state codes', () => {
    const json = JSON.parse(encodeProgress('j', { ...newProgress('table', 1), syncState: 'TableIncrementalSync', subState: 'Done' })) as Record<string, unknown>;
    expect(json).toMatchObject({ job_name: 'j', sync_state: 501, sub_sync_state: { state: -1, binlog_type: -1 }, prev_commit_seq: 0 });
  });

  it('reads a Go progress row in incremental sync, upsert sub-states included', () => {
    const go =
      '{"job_name":"go","sync_state":3,"sub_sync_state":{"state":13,"binlog_type":0},"prev_commit_seq":2040,' +
      '"commit_seq":2045,"table_mapping":{"10020":20020},"table_commit_seq_map":null,"data":"{\\"TxnId\\":1}",' +
      '"created_at":1700000000}';
    const p = decodeProgress('go', go);
    expect(p).toMatchObject({ syncState: 'DBIncrementalSync', subState: 'Done', prevCommitSeq: 2040n, commitSeq: 2040n });
    expect(p.tableMapping.get(10020n)).toBe(20020n);
  });

  it('restarts a Go snapshot step whose data it cannot read', () => {
    const go = '{"sync_state":500,"sub_sync_state":{"state":3,"binlog_type":-1},"prev_commit_seq":0,"commit_seq":77,"data":"{\\"x\\":1}"}';
    expect(decodeProgress('go', go)).toMatchObject({ syncState: 'TableFullSync', subState: 'BeginCreateSnapshot', snapshot: undefined });
  });

  it.each([
    ['not json', '{'],
    ['unknown state', '{"sync_state":77}'],
    ['bad seq', '{"sync_state":3,"prev_commit_seq":"abc"}'],
  ])('refuses corrupt progress (%s) with a pause that says what to do', (_name, text) => {
    let err: unknown;
    try {
      decodeProgress('j1', text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(CcrError);
    expect((err as CcrError).disposition).toBe('pause');
    expect((err as CcrError).message).toMatch(/job j1 is unreadable.*fullsync/);
  });
});
