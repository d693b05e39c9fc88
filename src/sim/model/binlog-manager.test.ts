import { describe, expect, it } from 'vitest';
import { BinlogType, StatusCode } from '../../doris/types.js';
import { recordBinlog } from './binlog-manager.js';
import { col, tableDef, testModel } from './fixtures.js';

function setup(dbBinlog = true) {
  const { model, clock } = testModel();
  model.ddl.createDatabase('ccr', { properties: dbBinlog ? { 'binlog.enable': 'true' } : {} });
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  return { model, clock, db };
}

const t1 = (props: Record<string, string> = {}) =>
  tableDef({ name: 't1', keys: [col('k1', 'INT')], values: [col('v', 'INT')], properties: { replication_num: '1', ...props } });

describe('binlog lists', () => {
  it('answers BINLOG_NOT_FOUND_DB until the database produced a binlog, then starts with a DUMMY', () => {
    const { model } = setup();
    expect(model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: 0n }).status?.status_code).toBe(StatusCode.BINLOG_NOT_FOUND_DB);
    model.ddl.createTable('ccr', t1());
    const all = model.binlogs.list(model.catalog.database('ccr')?.id ?? 0n);
    expect(all[0]).toMatchObject({ type: BinlogType.DUMMY, commit_seq: -1n, belong: -1n });
    expect(all[0]?.data).toBeUndefined();
    expect(all[1]?.type).toBe(BinlogType.CREATE_TABLE);
  });

  it('keeps CREATE_TABLE and DROP_TABLE out of table lists (NOT_FOUND_TABLE until another binlog)', () => {
    const { model, db } = setup();
    const t = model.ddl.createTable('ccr', t1());
    expect(model.binlogs.getBinlog({ db: 'ccr', table_id: t.id, prev_commit_seq: 0n }).status?.status_code).toBe(
      StatusCode.BINLOG_NOT_FOUND_TABLE,
    );
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1]] });
    const tableList = model.binlogs.list(db.id, t.id);
    expect(tableList.map((b) => b.type)).toEqual([BinlogType.DUMMY, BinlogType.UPSERT]);
    expect(tableList[0]?.belong).toBe(t.id);
    model.ddl.dropTable('ccr', 't1');
    expect(model.binlogs.list(db.id, t.id).map((b) => b.type)).toEqual([BinlogType.DUMMY, BinlogType.UPSERT]);
    expect(model.binlogs.list(db.id).map((b) => b.type)).toContain(BinlogType.DROP_TABLE);
  });

  it('returns binlogs strictly after prev_commit_seq, num_acquired clamped to 1..255, then TOO_NEW', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', t1());
    for (let i = 0; i < 3; i++) model.loads.load('ccr', 't1', { kind: 'rows', rows: [[i, i]] });
    const all = model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: -1n, num_acquired: 1000n }).binlogs ?? [];
    expect(all.map((b) => b.type)).toEqual([BinlogType.CREATE_TABLE, BinlogType.UPSERT, BinlogType.UPSERT, BinlogType.UPSERT]);
    const seqs = all.map((b) => b.commit_seq ?? 0n);
    const one = model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: seqs[1], num_acquired: 0n });
    expect(one.status?.status_code).toBe(StatusCode.OK);
    expect(one.binlogs?.map((b) => b.commit_seq)).toEqual([seqs[2]]);
    // prev between two seqs still gets the next one
    expect(model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: (seqs[2] ?? 0n) - 1n }).binlogs?.[0]?.commit_seq).toBe(seqs[2]);
    const last = model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: seqs[3] });
    expect(last.status?.status_code).toBe(StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ);
    expect(last.binlogs).toBeUndefined();
  });

  it('answers TOO_OLD with the DUMMY when prev is older than the first entry', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', t1());
    const r = model.binlogs.getBinlog({ db: 'ccr', prev_commit_seq: -2n });
    expect(r.status?.status_code).toBe(StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ);
    expect(r.binlogs).toHaveLength(1);
    expect(r.binlogs?.[0]?.type).toBe(BinlogType.DUMMY);
  });

  it('resolves the database by name and the table by id or name with Doris messages', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', t1());
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1]] });
    expect(model.binlogs.getBinlog({ db: 'nope', prev_commit_seq: 0n }).status).toEqual({
      status_code: StatusCode.ANALYSIS_ERROR,
      error_msgs: ['errCode = 2, detailMessage = unknown database, database=nope'],
    });
    expect(model.binlogs.getBinlog({ db: 'ccr', table: 't1', prev_commit_seq: 0n }).binlogs?.[0]?.type).toBe(BinlogType.UPSERT);
    expect(model.binlogs.getBinlog({ db: 'ccr', table: 'x', prev_commit_seq: 0n }).status?.error_msgs?.[0]).toMatch(/table not found/);
  });

  it('lets one table id decide alone, and any of several tables or the db otherwise', () => {
    const { model, db } = setup(false);
    const tOn = model.ddl.createTable('ccr', t1({ 'binlog.enable': 'true' }));
    const tOff = model.ddl.createTable('ccr', tableDef({ name: 't2', keys: [col('k', 'INT')] }));
    // CREATE_TABLE of the enabled table was recorded (its flag decides), the other not.
    expect(model.binlogs.list(db.id).map((b) => b.table_ids?.[0])).toEqual([undefined, tOn.id]);
    model.loads.load('ccr', 't2', { kind: 'rows', rows: [[1]] });
    expect(model.binlogs.list(db.id)).toHaveLength(2);
    const flags = { db: false, tables: new Map([[tOn.id, true], [tOff.id, false]]) };
    const base = { dbId: db.id, timestamp: 1n, type: BinlogType.UPSERT, data: '{}', flags };
    recordBinlog(model.state, { ...base, tableIds: [tOn.id, tOff.id], commitSeq: 900n }, 0);
    recordBinlog(model.state, { ...base, tableIds: [tOff.id], commitSeq: 901n }, 0);
    recordBinlog(model.state, { ...base, tableIds: [], commitSeq: 902n }, 0);
    expect(model.binlogs.list(db.id).map((b) => b.commit_seq)).toContain(900n);
    expect(model.binlogs.list(db.id).map((b) => b.commit_seq)).not.toContain(901n);
    expect(model.binlogs.list(db.id).map((b) => b.commit_seq)).not.toContain(902n);
    // only the enabled table got a table list; table_ref counts the lists holding the entry
    expect(model.binlogs.list(db.id, tOn.id).map((b) => b.commit_seq)).toEqual([-1n, 900n]);
    expect(model.binlogs.list(db.id, tOff.id)).toEqual([]);
    expect(model.binlogs.list(db.id).find((b) => b.commit_seq === 900n)?.table_ref).toBe(1n);
  });

  it('records nothing when the FE feature flag is off', () => {
    const { model, db } = setup();
    model.system.setFeConfig('enable_feature_binlog', 'false', true);
    model.ddl.createTable('ccr', t1());
    expect(model.binlogs.list(db.id)).toEqual([]);
  });
});

describe('commit seqs', () => {
  it('are one increasing, gapped sequence shared by every database and operation', () => {
    const { model } = setup();
    model.ddl.createDatabase('other', { properties: { 'binlog.enable': 'true' } });
    model.ddl.createTable('ccr', t1());
    model.ddl.createTable('other', t1());
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1]] });
    model.loads.load('other', 't1', { kind: 'rows', rows: [[1, 1]] });
    const a = model.binlogs.list(model.catalog.database('ccr')?.id ?? 0n).slice(1).map((b) => b.commit_seq ?? 0n);
    const b = model.binlogs.list(model.catalog.database('other')?.id ?? 0n).slice(1).map((x) => x.commit_seq ?? 0n);
    const merged = [...a, ...b].sort((x, y) => (x < y ? -1 : 1));
    expect(new Set(merged).size).toBe(merged.length);
    // the commit of each load took a journal id without a binlog: a gap before each UPSERT
    expect((a[1] ?? 0n) - (a[0] ?? 0n)).toBeGreaterThan(1n);
    expect(model.nextCommitSeq()).toBeGreaterThan(merged[merged.length - 1] ?? 0n);
  });
});

describe('getBinlogLag', () => {
  it('reports lag and first/last/next seqs and timestamps', () => {
    const { model, clock } = setup();
    model.ddl.createTable('ccr', t1());
    clock.advance(1000);
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1]] });
    const seqs = model.binlogs.list(model.catalog.database('ccr')?.id ?? 0n).map((b) => b.commit_seq ?? 0n);
    const lag = model.binlogs.getBinlogLag({ db: 'ccr', prev_commit_seq: seqs[1] });
    expect(lag).toMatchObject({
      status: { status_code: StatusCode.OK },
      lag: 1n,
      first_commit_seq: -1n,
      last_commit_seq: seqs[2],
      next_commit_seq: seqs[2],
      next_binlog_timestamp: BigInt(clock.nowMs),
    });
    expect(model.binlogs.getBinlogLag({ db: 'ccr', prev_commit_seq: seqs[2] })).toMatchObject({ lag: 0n, next_commit_seq: 0n });
    expect(model.binlogs.getBinlogLag({ db: 'ccr', prev_commit_seq: -5n })).toMatchObject({ lag: 3n, next_commit_seq: -1n });
  });
});

describe('lockBinlog', () => {
  it('locks the latest for a negative seq, clamps to the first, refuses the future and is idempotent', () => {
    const { model } = setup();
    model.ddl.createTable('ccr', t1());
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1]] });
    const seqs = model.binlogs.list(model.catalog.database('ccr')?.id ?? 0n).map((b) => b.commit_seq ?? 0n);
    const last = seqs[seqs.length - 1] ?? 0n;
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'a', lock_commit_seq: -1n })).toEqual({
      status: { status_code: StatusCode.OK },
      locked_commit_seq: last,
    });
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'b', lock_commit_seq: -100n }).locked_commit_seq).toBe(last);
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'c', lock_commit_seq: 0n }).locked_commit_seq).toBe(0n);
    const future = model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'd', lock_commit_seq: last + 10n });
    expect(future).toEqual({ status: { status_code: StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ }, locked_commit_seq: -1n });
    // a lower request returns the seq already held
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: 'a', lock_commit_seq: 1n }).locked_commit_seq).toBe(last);
    expect(model.binlogs.lockBinlog({ db: 'ccr', job_unique_id: '', lock_commit_seq: 1n }).status?.status_code).toBe(
      StatusCode.ANALYSIS_ERROR,
    );
  });
});
