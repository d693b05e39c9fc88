import { describe, expect, it } from 'vitest';
import type { CcrError } from '../errors/ccr-error.js';
import { StatusCode } from '../doris/types.js';
import { checkStatus } from './classify.js';
import { aliasTableName, jobTag, restoreLabel, snapshotName, snapshotPrefix, upsertLabel } from './labels.js';
import { Backoff, IdlePoll } from './retry.js';

describe('Backoff', () => {
  it('doubles up to the ceiling and resets', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000]);
    b.reset();
    expect(b.next()).toBe(100);
  });

  it('spreads delays with jitter but never past the ceiling', () => {
    const b = new Backoff({ initialMs: 100, maxMs: 150, jitter: 0.5, random: () => 1 });
    expect([b.next(), b.next()]).toEqual([150, 150]);
  });
});

describe('IdlePoll', () => {
  it('backs off while idle and snaps back on activity', () => {
    const p = new IdlePoll(5, 40);
    expect([p.idle(), p.idle(), p.idle(), p.idle(), p.idle()]).toEqual([5, 10, 20, 40, 40]);
    p.active();
    expect(p.idle()).toBe(5);
  });
});

describe('checkStatus', () => {
  const thrown = (fn: () => void): CcrError => {
    try {
      fn();
    } catch (e) {
      return e as CcrError;
    }
    throw new Error('did not throw');
  };

  it('passes OK through', () => {
    expect(() => checkStatus({ status_code: StatusCode.OK }, 'source', 'getBinlog')).not.toThrow();
  });

  it('classifies statuses into dispositions with an actionable message', () => {
    const disabled = thrown(() => checkStatus({ status_code: StatusCode.BINLOG_NOT_FOUND_DB, error_msgs: ['x'] }, 'source', 'getBinlog'));
    expect(disabled.disposition).toBe('retry');
    expect(disabled.message).toMatch(/BINLOG_NOT_FOUND_DB.*enable_db_binlog\.sh/);
    const auth = thrown(() => checkStatus({ status_code: StatusCode.ANALYSIS_ERROR, error_msgs: ["Access denied for user 'root'"] }, 'destination', 'beginTxn'));
    expect(auth.disposition).toBe('pause');
    expect(thrown(() => checkStatus({ status_code: StatusCode.SNAPSHOT_NOT_EXIST }, 'source', 'getSnapshot')).disposition).toBe('full-sync');
    expect(thrown(() => checkStatus(undefined, 'source', 'getMeta')).message).toMatch(/no status/);
  });
});

describe('labels', () => {
  it('are deterministic per job, generation and binlog, and valid Doris labels', () => {
    const args = { jobName: 'my job.1', jobSyncId: 2, kind: 'db' as const, srcDbId: 10010n, destDbId: 20010n, commitSeq: 345n };
    const l = upsertLabel(args);
    expect(l).toBe(upsertLabel(args));
    expect(l).toMatch(/^[A-Za-z0-9_:-]{1,128}$/);
    expect(l).not.toBe(upsertLabel({ ...args, jobSyncId: 3 }));
    expect(l).not.toBe(upsertLabel({ ...args, jobName: 'other' }));
    expect(upsertLabel({ ...args, kind: 'table', srcTableId: 1n, destTableId: 2n })).toContain('table_sync:10010_1:20010_2:345');
    expect(jobTag('a')).toHaveLength(8);
  });

  it('name snapshots, restores and aliases like the Go syncer', () => {
    const s = snapshotName('j.x', 'full', 4, 1700000000);
    expect(s).toBe('ccrs_j_x_4_1700000000');
    expect(s.startsWith(snapshotPrefix('j.x', 'full', 4))).toBe(true);
    expect(restoreLabel(s, 1700000005123)).toBe('ccrs_j_x_4_1700000000_r_1700000005123');
    expect(aliasTableName('t1', 9)).toBe('__ccr_t1_9');
  });
});
