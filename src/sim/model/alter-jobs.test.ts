import { describe, expect, it } from 'vitest';
import { BinlogType } from '../../doris/types.js';
import { parseJsonBig } from '../../util/json-big.js';
import { col, tableDef, testModel } from './fixtures.js';
import { DEFAULT_TXN_TIMEOUT_MS } from './transactions.js';

function setup() {
  const { model, clock } = testModel();
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
  const table = model.ddl.createTable(
    'ccr',
    tableDef({
      name: 't1',
      keys: [col('k1', 'INT')],
      values: [col('v', 'INT')],
      distribution: { type: 'HASH', columns: ['k1'], buckets: 2 },
      properties: { replication_num: '1' },
    }),
  );
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  const alterBinlogs = () =>
    model.binlogs
      .list(db.id)
      .filter((b) => b.type === BinlogType.ALTER_JOB)
      .map((b) => parseJsonBig(b.data ?? '{}') as Record<string, unknown>);
  return { model, clock, db, table, alterBinlogs };
}

describe('schema change jobs', () => {
  it('log one ALTER_JOB per state with the shadow→origin index map, then swap indexes and record the origin as dropped', () => {
    const { model, db, table, alterBinlogs } = setup();
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 10], [2, 20]] });
    const originId = table.baseIndexId;
    const job = model.ddl.modifyColumn('ccr', 't1', { column: col('v', 'BIGINT') });
    const shadowId = job.shadowIndexes[0]?.shadowId ?? 0n;
    expect(table.state).toBe('SCHEMA_CHANGE');
    expect(() => model.ddl.addColumns('ccr', 't1', [{ column: col('x', 'INT') }])).toThrow(
      "Table[t1]'s state(SCHEMA_CHANGE) is not NORMAL. Do not allow doing ALTER ops",
    );
    model.advanceJobs(); // WAITING_TXN: the shadow index joins the table
    expect(model.meta.getMeta({ id: db.id }).db_meta?.tables?.[0]?.partitions?.[0]?.indexes?.map((i) => i.name)).toEqual([
      't1',
      '__doris_shadow_t1',
    ]);
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[3, 30]] });
    const upsert = model.binlogs.list(db.id).filter((b) => b.type === BinlogType.UPSERT).at(-1);
    expect((parseJsonBig(upsert?.data ?? '{}') as { tableRecords: Record<string, { indexIds: unknown[] }> }).tableRecords[String(table.id)]?.indexIds).toEqual([
      Number(originId),
      Number(shadowId),
    ]);
    model.advanceJobs(); // RUNNING: historical data converted
    model.advanceJobs(); // FINISHED
    const states = alterBinlogs();
    expect(states.map((s) => s['jobState'])).toEqual(['PENDING', 'WAITING_TXN', 'RUNNING', 'FINISHED']);
    for (const s of states) {
      expect(Object.keys(s)).toEqual(['type', 'dbId', 'tableId', 'tableName', 'jobId', 'jobState', 'rawSql', 'iim']);
      expect(s).toMatchObject({ type: 'SCHEMA_CHANGE', tableName: 't1', jobId: Number(job.jobId), iim: { [String(shadowId)]: Number(originId) } });
    }
    expect(states[0]?.['rawSql']).toBe('ALTER TABLE `ccr`.`t1` MODIFY COLUMN `v` bigint NULL COMMENT ""');
    expect(table.state).toBe('NORMAL');
    expect(table.baseIndexId).toBe(shadowId);
    expect(table.indexes.get(shadowId)?.name).toBe('t1');
    expect(table.indexes.has(originId)).toBe(false);
    const finishSeq = model.binlogs.list(db.id).filter((b) => b.type === BinlogType.ALTER_JOB).at(-1)?.commit_seq;
    expect(model.meta.getMeta({ id: db.id }).db_meta?.dropped_index_map).toEqual({ [String(originId)]: finishSeq });
    const rows = model.scan('ccr', 't1').rows.sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(rows).toEqual([[1, 10n], [2, 20n], [3, 30n]]);
    expect(model.show.alterColumnJobs('ccr').rows[0]).toEqual(expect.arrayContaining([job.jobId.toString(), 'FINISHED']));
  });

  it('waits in WAITING_TXN for transactions begun before the job', () => {
    const { model, db, table, alterBinlogs } = setup();
    const old = model.txns.begin({ dbId: db.id, label: 'old', tableIds: [table.id], sourceType: 'BACKEND_STREAMING', coordinator: 'BE: h', timeoutMs: DEFAULT_TXN_TIMEOUT_MS });
    model.ddl.reorderColumns('ccr', 't1', ['k1', 'v']);
    model.advanceJobs();
    expect(model.advanceJobs()).toBe(0);
    expect(alterBinlogs().at(-1)?.['jobState']).toBe('WAITING_TXN');
    model.txns.abort(db.id, old.id, 'done');
    expect(model.advanceJobs()).toBe(1);
    expect(alterBinlogs().at(-1)?.['jobState']).toBe('RUNNING');
  });

  it('can be cancelled: CANCELLED binlog, shadow index removed, table NORMAL', () => {
    const { model, table, alterBinlogs } = setup();
    const job = model.ddl.addColumns('ccr', 't1', [{ column: col('k2', 'INT', { isKey: true }) }]);
    expect(job?.type).toBe('SCHEMA_CHANGE');
    model.advanceJobs();
    model.alter.cancel('ccr', 't1', 'SCHEMA_CHANGE');
    expect(alterBinlogs().map((s) => s['jobState'])).toEqual(['PENDING', 'WAITING_TXN', 'CANCELLED']);
    expect([...table.indexes.keys()]).toEqual([table.baseIndexId]);
    expect(table.state).toBe('NORMAL');
  });
});

describe('rollup jobs', () => {
  it('log ROLLUP ALTER_JOBs with the rollup and base index, build the rollup from existing data', () => {
    const { model, table, alterBinlogs } = setup();
    model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 10], [2, 20]] });
    const job = model.ddl.addRollup('ccr', 't1', 'r1', ['v', 'k1'], ['v']);
    for (let i = 0; i < 3; i++) model.advanceJobs();
    const states = alterBinlogs();
    expect(states.map((s) => s['jobState'])).toEqual(['PENDING', 'WAITING_TXN', 'RUNNING', 'FINISHED']);
    expect(Object.keys(states[0] ?? {})).toEqual([
      'type', 'dbId', 'tableId', 'tableName', 'jobId', 'jobState', 'rawSql', 'rollupIndexId', 'rollUpIndexName', 'baseIndexid', 'baseIndexName',
    ]);
    expect(states[0]).toMatchObject({ type: 'ROLLUP', rollupIndexId: Number(job.rollupIndexId), rollUpIndexName: 'r1', baseIndexName: 't1' });
    expect(table.indexes.get(job.rollupIndexId)?.state).toBe('NORMAL');
    expect(model.scan('ccr', 't1', { index: 'r1' }).rows.sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([[10, 1], [20, 2]]);
    expect(model.show.alterRollupJobs('ccr').rows[0]).toEqual(expect.arrayContaining(['r1', 'FINISHED']));
  });
});
