import { describe, expect, it } from 'vitest';
import { BinlogType, type TBinlog } from '../../doris/types.js';
import { parseJsonBig, type JsonBigValue } from '../../util/json-big.js';
import { col, tableDef, testModel } from './fixtures.js';
import type { OlapTableState } from './state.js';

type Obj = { [k: string]: JsonBigValue };

function setup() {
  const { model, clock } = testModel();
  model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
  const db = model.catalog.database('ccr');
  if (!db) throw new Error('no db');
  const table = model.ddl.createTable(
    'ccr',
    tableDef({
      name: 't1',
      keys: [col('k1', 'INT')],
      values: [col('v', 'INT')],
      partition: { type: 'RANGE', columns: ['k1'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
      distribution: { type: 'HASH', columns: ['k1'], buckets: 2 },
      properties: { replication_num: '1' },
    }),
  );
  const last = (): TBinlog => {
    const list = model.binlogs.list(db.id);
    const b = list[list.length - 1];
    if (!b) throw new Error('no binlog');
    return b;
  };
  const payload = (b: TBinlog = last()): Obj => parseJsonBig(b.data ?? 'null') as Obj;
  return { model, clock, db, table, last, payload };
}

const idOf = (t: OlapTableState, name: string): bigint => {
  const p = [...t.partitions.values()].find((x) => x.name === name);
  if (!p) throw new Error(name);
  return p.id;
};

describe('binlog payloads (keys and order as Gson writes them)', () => {
  it('UPSERT: UpsertRecord with table → partition records and loaded index ids', () => {
    const { model, table, last, payload } = setup();
    const r = model.loads.load('ccr', 't1', { kind: 'rows', rows: [[1, 1], [15, 2]] }, { label: 'l1' });
    const b = last();
    expect(b).toMatchObject({ type: BinlogType.UPSERT, table_ids: [table.id], remove_enable_cache: false, table_ref: 1n });
    const p = payload();
    expect(Object.keys(p)).toEqual(['commitSeq', 'txnId', 'timeStamp', 'label', 'dbId', 'tableRecords']);
    expect(p['commitSeq']).toBe(Number(b.commit_seq));
    expect(p['txnId']).toBe(Number(r.txnId));
    expect(p['timeStamp']).toBe(Number(b.timestamp));
    expect(p['label']).toBe('l1');
    const rec = (p['tableRecords'] as Obj)[String(table.id)] as Obj;
    expect(Object.keys(rec)).toEqual(['partitionRecords', 'indexIds']);
    expect(rec['indexIds']).toEqual([Number(table.baseIndexId)]);
    const parts = rec['partitionRecords'] as Obj[];
    expect(parts.map((x) => Object.keys(x))).toEqual([
      ['partitionId', 'range', 'version', 'isTempPartition', 'stid'],
      ['partitionId', 'range', 'version', 'isTempPartition', 'stid'],
    ]);
    expect(parts[0]).toEqual({
      partitionId: Number(idOf(table, 'p1')),
      range: '[types: [INT]; keys: [-2147483648]; ..types: [INT]; keys: [10]; )',
      version: 2,
      isTempPartition: false,
      stid: -1,
    });
  });

  it('ADD_PARTITION: AddPartitionRecord with distribution info and the replayable sql clause', () => {
    const { model, table, last, payload } = setup();
    model.ddl.addPartition('ccr', 't1', { name: 'p3', lower: [20], upper: [30], distribution: { type: 'HASH', columns: ['k1'], buckets: 3 } });
    expect(last()).toMatchObject({ type: BinlogType.ADD_PARTITION, table_ids: [table.id] });
    const p = payload();
    expect(Object.keys(p)).toEqual([
      'commitSeq', 'dbId', 'tableId', 'partition', 'range', 'listPartitionItem', 'dataProperty', 'replicaAlloc', 'isInMemory',
      'isTempPartition', 'isMutable', 'sql',
    ]);
    expect(p['sql']).toBe('ADD PARTITION `p3` VALUES [("20"), ("30")) ("version_info" = "1");');
    expect((p['partition'] as Obj)['distributionInfo']).toEqual({
      clazz: 'HashDistributionInfo',
      distributionColumns: [{ name: 'k1' }],
      type: 'HASH',
      bucketNum: 3,
      autoBucket: false,
    });
    expect(p['isTempPartition']).toBe(false);
    // Gson's HTML-safe escaping: '=' inside strings is written as \u003d
    expect(last().data).toContain('\\"version_info\\" \\u003d \\"1\\"');
  });

  it('CREATE_TABLE: CreateTableRecord whose sql is the synced SHOW CREATE TABLE', () => {
    const { db, table, model, payload } = setup();
    const b = model.binlogs.list(db.id).find((x) => x.type === BinlogType.CREATE_TABLE);
    const p = payload(b);
    expect(Object.keys(p)).toEqual(['commitSeq', 'dbId', 'dbName', 'tableId', 'tableName', 'tableType', 'sql']);
    expect(p).toMatchObject({ dbId: Number(db.id), dbName: 'ccr', tableId: Number(table.id), tableName: 't1', tableType: 'OLAP' });
    expect(p['sql']).toContain('"binlog.enable" = "true"');
    expect(p['sql']).toContain('"is_being_synced" = "true"');
  });

  it('DROP_PARTITION: DropPartitionInfo with the partition id and the sql clause', () => {
    const { model, table, payload } = setup();
    const pid = idOf(table, 'p2');
    model.ddl.dropPartition('ccr', 't1', 'p2', { force: true });
    const p = payload();
    expect(Object.keys(p)).toEqual([
      'dbId', 'tableId', 'pid', 'partitionName', 'isTempPartition', 'forceDrop', 'recycleTime', 'sql', 'version', 'versionTime',
    ]);
    expect(p).toMatchObject({ pid: Number(pid), partitionName: 'p2', forceDrop: true, sql: 'DROP PARTITION `p2` FORCE' });
  });

  it('DROP_TABLE: DropTableRecord (database list only)', () => {
    const { model, table, last, payload } = setup();
    model.ddl.dropTable('ccr', 't1');
    expect(last()).toMatchObject({ type: BinlogType.DROP_TABLE, table_ids: [table.id] });
    const p = payload();
    expect(Object.keys(p)).toEqual(['commitSeq', 'dbId', 'tableId', 'tableName', 'isView', 'rawSql']);
    expect(p).toMatchObject({ tableName: 't1', isView: false, rawSql: 'DROP TABLE IF EXISTS `t1`' });
  });

  it('MODIFY_TABLE_ADD_OR_DROP_COLUMNS: light schema change with a replayable rawSql', () => {
    const { model, table, last, payload } = setup();
    expect(model.ddl.addColumns('ccr', 't1', [{ column: col('c3', 'INT') }])).toBeUndefined();
    expect(last().type).toBe(BinlogType.MODIFY_TABLE_ADD_OR_DROP_COLUMNS);
    const p = payload();
    expect(Object.keys(p)).toEqual(['dbId', 'tableId', 'indexSchemaMap', 'indexes', 'jobId', 'rawSql']);
    expect(p['rawSql']).toBe('ALTER TABLE `ccr`.`t1` ADD COLUMN `c3` int NULL COMMENT ""');
    const schema = (p['indexSchemaMap'] as Obj)[String(table.baseIndexId)] as Obj[];
    expect(schema.map((c) => c['name'])).toEqual(['k1', 'v', 'c3']);
    model.ddl.dropColumns('ccr', 't1', ['c3']);
    expect(payload()['rawSql']).toBe('ALTER TABLE `ccr`.`t1` DROP COLUMN `c3`');
  });

  it('MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES: light index change with the new index list and the changed index', () => {
    const { model, table, last, payload } = setup();
    const idx = { name: 'idx_v', columns: ['v'], indexType: 'INVERTED', properties: { parser: 'none' }, comment: 'on v' };
    expect(model.ddl.addInvertedIndex('ccr', 't1', idx)).toBe(true);
    expect(last()).toMatchObject({ type: BinlogType.MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES, table_ids: [table.id] });
    const p = payload();
    expect(Object.keys(p)).toEqual(['dbId', 'tableId', 'indexSchemaMap', 'indexes', 'alterInvertedIndexes', 'isDropInvertedIndex', 'jobId', 'rawSql']);
    const gson = { indexId: -1, indexName: 'idx_v', columns: ['v'], indexType: 'INVERTED', properties: { parser: 'none' }, comment: 'on v' };
    expect(p).toMatchObject({ indexes: [gson], alterInvertedIndexes: [gson], isDropInvertedIndex: false });
    expect(p['rawSql']).toBe('ALTER TABLE `ccr`.`t1` ADD INDEX idx_v (`v`) USING INVERTED PROPERTIES("parser" = "none") COMMENT \'on v\'');
    expect(model.show.createTable('ccr', 't1').rows[0]?.[1]).toContain(`  INDEX idx_v (\`v\`) USING INVERTED PROPERTIES("parser" = "none") COMMENT 'on v'`);
    expect(() => model.ddl.addInvertedIndex('ccr', 't1', { ...idx, name: 'other' })).toThrow('index for columns (v ) already exist.');
    expect(() => model.ddl.addInvertedIndex('ccr', 't1', idx)).toThrow('index `idx_v` already exist.');
    expect(model.ddl.addInvertedIndex('ccr', 't1', idx, { ifNotExists: true })).toBe(false);
    expect(model.ddl.dropInvertedIndex('ccr', 't1', 'IDX_V')).toBe(true);
    expect(payload()).toMatchObject({ indexes: [], alterInvertedIndexes: [gson], isDropInvertedIndex: true, rawSql: 'ALTER TABLE `ccr`.`t1` DROP INDEX `idx_v`' });
    expect(() => model.ddl.dropInvertedIndex('ccr', 't1', 'idx_v')).toThrow('index idx_v does not exist');
    expect(model.ddl.dropInvertedIndex('ccr', 't1', 'idx_v', { ifExists: true })).toBe(false);
  });

  it('ALTER_DATABASE_PROPERTY: no table ids and remove_enable_cache', () => {
    const { model, db, last, payload } = setup();
    model.ddl.alterDatabaseProperties('ccr', { 'binlog.ttl_seconds': '3600' });
    expect(last()).toMatchObject({ type: BinlogType.ALTER_DATABASE_PROPERTY, remove_enable_cache: true });
    expect(last().table_ids).toBeUndefined();
    expect(payload()).toEqual({ dbId: Number(db.id), dbName: 'ccr', properties: { 'binlog.ttl_seconds': '3600' } });
  });

  it('MODIFY_TABLE_PROPERTY: properties and an unquoted SET clause', () => {
    const { model, table, last, payload } = setup();
    model.ddl.setTableProperties('ccr', 't1', { 'binlog.ttl_seconds': '7200' });
    expect(last()).toMatchObject({ type: BinlogType.MODIFY_TABLE_PROPERTY, remove_enable_cache: true });
    const p = payload();
    expect(Object.keys(p)).toEqual(['dbId', 'tableId', 'tableName', 'properties', 'sql']);
    expect(p).toMatchObject({ tableId: Number(table.id), sql: 'SET (binlog.ttl_seconds=7200)' });
  });

  it('BARRIER: plain BarrierLog with binlogType 0', () => {
    const { model, db, table, last, payload } = setup();
    const seq = model.binlogs.logBarrier(db.id, table.id);
    expect(last()).toMatchObject({ type: BinlogType.BARRIER, commit_seq: seq, table_ids: [table.id] });
    expect(payload()).toEqual({ dbId: Number(db.id), dbName: 'ccr', tableId: Number(table.id), tableName: 't1', binlogType: 0 });
  });

  it('MODIFY_PARTITIONS: BatchModifyPartitionsInfo', () => {
    const { model, table, payload } = setup();
    model.ddl.modifyPartitions('ccr', 't1', ['p1'], { in_memory: 'true' });
    const infos = payload()['infos'] as Obj[];
    expect(infos.map((i) => Object.keys(i))).toEqual([
      ['dbId', 'tableId', 'partitionId', 'dataProperty', 'replicaAlloc', 'isInMemory', 'storagePolicy', 'tableProperties'],
    ]);
    expect(infos[0]).toMatchObject({ partitionId: Number(idOf(table, 'p1')), isInMemory: true });
  });

  it('REPLACE_PARTITIONS and TRUNCATE_TABLE', () => {
    const { model, table, payload } = setup();
    model.ddl.addPartition('ccr', 't1', { name: 'tp1', lower: [0], upper: [10] }, { isTemp: true });
    expect(() => model.ddl.replacePartitions('ccr', 't1', ['p1'], ['tp1'])).toThrow(/must be matched when using strict range/);
    model.ddl.replacePartitions('ccr', 't1', ['p1'], ['tp1'], { strictRange: false });
    const r = payload();
    expect(Object.keys(r)).toEqual([
      'dbId', 'dbName', 'tblId', 'tblName', 'partitions', 'tempPartitions', 'strictRange', 'useTempPartitionName', 'version',
      'versionTime', 'force',
    ]);
    expect(r).toMatchObject({ tblName: 't1', partitions: ['p1'], tempPartitions: ['tp1'], strictRange: false, useTempPartitionName: false });
    const p2 = idOf(table, 'p2');
    model.ddl.truncateTable('ccr', 't1', ['p2']);
    const t = payload();
    expect(Object.keys(t)).toEqual(['dbId', 'db', 'tblId', 'table', 'isEntireTable', 'rawSql', 'op']);
    expect(t).toMatchObject({ db: 'ccr', table: 't1', isEntireTable: false, rawSql: 'PARTITIONS (p2)', op: { [String(p2)]: 'p2' } });
  });

  it('RENAME_TABLE / RENAME_PARTITION / RENAME_ROLLUP: TableInfo', () => {
    const { model, db, table, last, payload } = setup();
    model.ddl.renamePartition('ccr', 't1', 'p1', 'p1x');
    expect(last().type).toBe(BinlogType.RENAME_PARTITION);
    expect(payload()).toEqual({
      db: Number(db.id), tb: Number(table.id), ind: -1, p: Number(idOf(table, 'p1x')), nT: '', oT: '', nR: '', oR: '', nP: 'p1x', oP: 'p1',
    });
    model.ddl.renameTable('ccr', 't1', 't1_new');
    expect(last().type).toBe(BinlogType.RENAME_TABLE);
    expect(payload()).toMatchObject({ ind: -1, p: -1, nT: 't1_new', oT: 't1', nP: '', oP: '' });
    model.ddl.addRollup('ccr', 't1_new', 'r1', ['k1']);
    for (let i = 0; i < 3; i++) model.advanceJobs();
    model.ddl.renameRollup('ccr', 't1_new', 'r1', 'r2');
    expect(last().type).toBe(BinlogType.RENAME_ROLLUP);
    expect(payload()).toMatchObject({ nR: 'r2', oR: 'r1', nT: '', p: -1 });
  });

  it('RENAME_COLUMN and MODIFY_COMMENT', () => {
    const { model, table, last, payload } = setup();
    model.ddl.renameColumn('ccr', 't1', 'v', 'v2');
    expect(last().type).toBe(BinlogType.RENAME_COLUMN);
    expect(payload()).toEqual({
      dbId: Number(model.catalog.database('ccr')?.id),
      tableId: Number(table.id),
      colName: 'v',
      newColName: 'v2',
      indexIdToSchemaVersion: { [String(table.baseIndexId)]: 1 },
    });
    model.ddl.modifyColumnComments('ccr', 't1', { v2: 'value column' });
    expect(payload()).toMatchObject({ type: 'COLUMN', colToComment: { v2: 'value column' } });
    expect(Object.keys(payload())).toEqual(['type', 'dbId', 'tblId', 'colToComment']);
    model.ddl.modifyTableComment('ccr', 't1', 'orders');
    expect(Object.keys(payload())).toEqual(['type', 'dbId', 'tblId', 'tblComment']);
    expect(payload()).toMatchObject({ type: 'TABLE', tblComment: 'orders' });
  });

  it('views: CREATE_TABLE (VIEW), MODIFY_VIEW_DEF, DROP_TABLE with isView', () => {
    const { model, last, payload } = setup();
    model.ddl.createView('ccr', { name: 'v1', query: 'SELECT `k1` FROM `internal`.`ccr`.`t1`', comment: '' });
    expect(payload()).toMatchObject({ tableType: 'VIEW', sql: 'CREATE VIEW `v1` AS SELECT `k1` FROM `internal`.`ccr`.`t1`;' });
    model.ddl.alterView('ccr', { name: 'v1', query: 'SELECT 1', comment: '' }, [col('1', 'TINYINT')]);
    expect(last().type).toBe(BinlogType.MODIFY_VIEW_DEF);
    expect(Object.keys(payload())).toEqual(['dbId', 'tableId', 'inlineViewDef', 'sqlMode', 'newFullSchema']);
    model.ddl.dropView('ccr', 'v1');
    expect(payload()).toMatchObject({ tableName: 'v1', isView: true });
  });

  it('REPLACE_TABLE and RECOVER_INFO', () => {
    const { model, table, last, payload } = setup();
    const other = model.ddl.createTable('ccr', tableDef({ name: 't2', keys: [col('k1', 'INT')], properties: { replication_num: '1' } }));
    model.ddl.replaceTable('ccr', 't1', 't2', { swap: true });
    expect(last()).toMatchObject({ type: BinlogType.REPLACE_TABLE, table_ids: [table.id] });
    expect(payload()).toEqual({
      dbId: Number(model.catalog.database('ccr')?.id),
      origTblId: Number(table.id),
      origTblName: 't1',
      newTblName: Number(other.id),
      actualNewTblName: 't2',
      swapTable: true,
      isForce: false,
    });
    model.ddl.dropTable('ccr', 't2');
    model.ddl.recoverTable('ccr', 't2');
    expect(last().type).toBe(BinlogType.RECOVER_INFO);
    expect(Object.keys(payload())).toEqual(['dbId', 'newDbName', 'tableId', 'tableName', 'newTableName', 'partitionId', 'partitionName', 'newPartitionName']);
    expect(payload()).toMatchObject({ tableName: 't2', partitionId: -1 });
  });

  it('DROP_ROLLUP: DropInfo with the index id, recorded as a dropped index', () => {
    const { model, db, table, payload } = setup();
    const job = model.ddl.addRollup('ccr', 't1', 'r1', ['k1']);
    for (let i = 0; i < 3; i++) model.advanceJobs();
    model.ddl.dropRollup('ccr', 't1', 'r1');
    const p = payload();
    expect(Object.keys(p)).toEqual(['dbId', 'tableId', 'tableName', 'indexId', 'indexName', 'isView', 'forceDrop', 'recycleTime']);
    expect(p).toMatchObject({ indexId: Number(job.rollupIndexId), indexName: 'r1' });
    expect(model.meta.getMeta({ id: db.id }).db_meta?.dropped_indexes).toEqual([job.rollupIndexId]);
    expect(table.indexes.has(job.rollupIndexId)).toBe(false);
  });
});
