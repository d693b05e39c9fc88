import { describe, expect, it } from 'vitest';
import { BinlogType } from '../../doris/types.js';
import { DorisError } from './errors.js';
import { col, tableDef, testModel } from './fixtures.js';

function errorOf(fn: () => unknown): DorisError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DorisError) return e;
    throw e;
  }
  throw new Error('expected a DorisError');
}

const simple = (name: string, props: Record<string, string> = {}) =>
  tableDef({ name, keys: [col('k', 'INT')], values: [col('v', 'INT')], properties: { replication_num: '1', ...props } });

describe('names and existence', () => {
  it('uses Doris errors and MySQL errnos for databases and tables', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    expect(errorOf(() => model.ddl.createDatabase('ccr'))).toMatchObject({
      errno: 1007,
      message: "errCode = 2, detailMessage = Can't create database 'ccr'; database exists",
    });
    expect(model.ddl.createDatabase('ccr', { ifNotExists: true }).name).toBe('ccr');
    expect(errorOf(() => model.ddl.dropDatabase('nope'))).toMatchObject({ errno: 1008 });
    expect(errorOf(() => model.ddl.createTable('nope', simple('t')))).toMatchObject({ errno: 1049, detail: "Unknown database 'nope'" });
    model.ddl.createTable('ccr', simple('t'));
    expect(errorOf(() => model.ddl.createTable('ccr', simple('t')))).toMatchObject({ errno: 1050, detail: "Table 't' already exists" });
    expect(model.ddl.createTable('ccr', simple('t'), { ifNotExists: true }).name).toBe('t');
    // table names are case-sensitive
    expect(model.ddl.createTable('ccr', simple('T')).name).toBe('T');
    expect(errorOf(() => model.ddl.dropTable('ccr', 'x'))).toMatchObject({ errno: 1109, detail: "Unknown table 'x' in ccr" });
    model.ddl.dropTable('ccr', 'x', { ifExists: true });
    expect(errorOf(() => model.ddl.truncateTable('ccr', 'x'))).toMatchObject({ errno: 1051, detail: "Unknown table 'x'" });
    expect(errorOf(() => model.ddl.createTable('ccr', tableDef({ name: 'd', keys: [col('a', 'INT')], values: [col('A', 'INT')] })))).toMatchObject({
      errno: 1060,
    });
  });

  it('distinguishes tables and views on DROP', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', simple('t'));
    model.ddl.createView('ccr', { name: 'v', query: 'SELECT 1', comment: '' });
    expect(errorOf(() => model.ddl.dropTable('ccr', 'v')).detail).toBe("'ccr.v' is not TABLE");
    expect(errorOf(() => model.ddl.dropView('ccr', 't')).detail).toBe("'ccr.t' is not VIEW");
    model.ddl.dropView('ccr', 'v');
    expect(model.catalog.table('ccr', 'v')).toBeUndefined();
  });
});

describe('table lifecycle', () => {
  it('drops to the recycle bin, recovers, and force-drops for good', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true' } });
    const t = model.ddl.createTable('ccr', simple('t'));
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 1]] });
    model.ddl.dropTable('ccr', 't');
    const db = model.catalog.database('ccr');
    expect(model.meta.getMeta({ id: db?.id ?? 0n }).db_meta?.dropped_tables).toEqual([t.id]);
    expect(model.ddl.recoverTable('ccr', 't').id).toBe(t.id);
    expect(model.scan('ccr', 't').rows).toEqual([[1, 1]]);
    expect(model.meta.getMeta({ id: db?.id ?? 0n }).db_meta?.dropped_tables).toEqual([]);
    model.ddl.dropTable('ccr', 't', { force: true });
    expect(errorOf(() => model.ddl.recoverTable('ccr', 't')).detail).toBe("Unknown table 't' in ccr");
    expect(model.storage.tabletsOnBackend([...model.state.backends.keys()][0] ?? 0n)).toEqual([]);
  });

  it('erases recycled tables after catalog_trash_expire_second', () => {
    const { model, clock } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', simple('t'));
    model.ddl.dropTable('ccr', 't');
    expect(model.state.recycleTables.size).toBe(1);
    clock.advance(86_401_000);
    model.advance();
    expect(model.state.recycleTables.size).toBe(0);
    expect(model.state.tablets.size).toBe(0);
  });

  it('truncates with new partition ids and version 1', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', simple('t'));
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 1]] });
    const before = [...t.partitions.keys()];
    model.ddl.truncateTable('ccr', 't');
    expect(model.scan('ccr', 't').rows).toEqual([]);
    const after = [...t.partitions.values()];
    expect(after.map((p) => p.name)).toEqual(['t']);
    expect(after[0]?.id).not.toBe(before[0]);
    expect(after[0]?.visibleVersion).toBe(1n);
  });

  it('renames tables (base index and single partition follow), refusing taken names', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', simple('t'));
    model.ddl.createTable('ccr', simple('u'));
    expect(errorOf(() => model.ddl.renameTable('ccr', 't', 'u')).detail).toBe('Table name[u] is already used');
    expect(errorOf(() => model.ddl.renameTable('ccr', 't', 't')).detail).toBe('Same table name');
    model.ddl.renameTable('ccr', 't', 't2');
    expect(t.indexes.get(t.baseIndexId)?.name).toBe('t2');
    expect([...t.partitions.values()][0]?.name).toBe('t2');
  });

  it('replaces tables with and without swap', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    const a = model.ddl.createTable('ccr', simple('a'));
    const b = model.ddl.createTable('ccr', simple('b'));
    model.ddl.replaceTable('ccr', 'a', 'b', { swap: true });
    expect(model.catalog.table('ccr', 'a')?.id).toBe(b.id);
    expect(model.catalog.table('ccr', 'b')?.id).toBe(a.id);
    model.ddl.replaceTable('ccr', 'a', 'b', { swap: false });
    expect(model.catalog.table('ccr', 'a')?.id).toBe(a.id);
    expect(model.catalog.table('ccr', 'b')).toBeUndefined();
  });
});

describe('binlog properties', () => {
  it('inherits the database binlog config and refuses disabling it per table', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr', { properties: { 'binlog.enable': 'true', 'binlog.ttl_seconds': '3600' } });
    const t = model.ddl.createTable('ccr', simple('t'));
    expect(t.binlog).toMatchObject({ enable: true, ttlSeconds: 3600n });
    expect(errorOf(() => model.ddl.createTable('ccr', simple('u', { 'binlog.enable': 'false' }))).detail).toBe(
      'Cannot create table with binlog disabled when database binlog enable',
    );
  });

  it('enabling database binlog requires every table to have it', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', simple('t'));
    expect(errorOf(() => model.ddl.alterDatabaseProperties('ccr', { 'binlog.enable': 'true' })).detail).toBe(
      'binlog is not enable in table[t] in db [ccr]',
    );
    model.ddl.setTableProperties('ccr', 't', { 'binlog.enable': 'true' });
    model.ddl.alterDatabaseProperties('ccr', { 'binlog.enable': 'true' });
    expect(model.show.createDatabase('ccr').rows[0]?.[1]).toContain('"binlog.enable" = "true"');
  });

  it('decides property-change binlogs by the flags before the change', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', simple('t'));
    const db = model.catalog.database('ccr');
    model.ddl.setTableProperties('ccr', 't', { 'binlog.enable': 'true' });
    expect(model.binlogs.list(db?.id ?? 0n)).toEqual([]);
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[1, 1]] });
    model.ddl.setTableProperties('ccr', 't', { 'binlog.enable': 'false' });
    expect(model.binlogs.list(db?.id ?? 0n, t.id).map((b) => b.type)).toEqual([BinlogType.DUMMY, BinlogType.UPSERT, BinlogType.MODIFY_TABLE_PROPERTY]);
  });
});

describe('partitions', () => {
  const ranged = () =>
    tableDef({
      name: 't',
      keys: [col('k', 'INT')],
      partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'p2', upper: [20] }] },
    });

  it('refuses duplicate names, overlapping ranges and missing partitions', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', ranged());
    expect(errorOf(() => model.ddl.addPartition('ccr', 't', { name: 'p1', lower: [30], upper: [40] }))).toMatchObject({
      errno: 1517,
      detail: 'Duplicate partition name p1',
    });
    expect(errorOf(() => model.ddl.addPartition('ccr', 't', { name: 'p3', lower: [15], upper: [25] })).detail).toBe(
      'Range [types: [INT]; keys: [15]; ..types: [INT]; keys: [25]; ) is intersected with range: [types: [INT]; keys: [10]; ..types: [INT]; keys: [20]; )',
    );
    expect(errorOf(() => model.ddl.dropPartition('ccr', 't', 'px'))).toMatchObject({ errno: 1507, detail: 'Error in list of partitions to px' });
    // LESS THAN takes the previous upper bound as its lower bound
    const p3 = model.ddl.addPartition('ccr', 't', { name: 'p3', upper: [30] });
    expect(p3?.item?.kind === 'RANGE' && p3.item.lower.keys).toEqual([20]);
    // temporary partitions may overlap formal ones
    expect(model.ddl.addPartition('ccr', 't', { name: 'tp', lower: [0], upper: [10] }, { isTemp: true })?.isTemp).toBe(true);
  });

  it('drops to the recycle bin and recovers a partition', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', ranged());
    model.loads.load('ccr', 't', { kind: 'rows', rows: [[5]] });
    model.ddl.dropPartition('ccr', 't', 'p1');
    expect(model.scan('ccr', 't').rows).toEqual([]);
    model.ddl.recoverPartition('ccr', 't', 'p1');
    expect(model.scan('ccr', 't').rows).toEqual([[5]]);
  });
});

describe('dynamic partitions and is_being_synced', () => {
  const dyn = (props: Record<string, string>) =>
    tableDef({
      name: 'd',
      keys: [col('dt', 'DATE')],
      partition: { type: 'RANGE', columns: ['dt'], ranges: [] },
      properties: {
        replication_num: '1',
        'dynamic_partition.enable': 'true',
        'dynamic_partition.time_unit': 'DAY',
        'dynamic_partition.start': '-1',
        'dynamic_partition.end': '2',
        'dynamic_partition.prefix': 'p',
        ...props,
      },
    });

  it('creates future partitions and drops old ones on each pass', () => {
    const { model, clock } = testModel();
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', dyn({}));
    model.advance();
    expect([...t.partitions.values()].map((p) => p.name)).toEqual(['p20240527', 'p20240528', 'p20240529']);
    clock.advance(3 * 86_400_000);
    model.advance();
    expect([...t.partitions.values()].map((p) => p.name)).toEqual(['p20240529', 'p20240530', 'p20240531', 'p20240601']);
  });

  it('does nothing while the table is being synced, and resumes when the syncer releases it', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    const t = model.ddl.createTable('ccr', dyn({ is_being_synced: 'true' }));
    model.advance();
    expect(t.partitions.size).toBe(0);
    model.ddl.setTableProperties('ccr', 'd', { is_being_synced: 'false' });
    model.advance();
    expect(t.partitions.size).toBe(3);
  });

  it('refuses partition DDL on an enabled dynamic table unless it is being synced (checkAlterAllowed)', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', dyn({}));
    model.advance();
    expect(() => model.ddl.checkPartitionAlterAllowed('ccr', 'd')).toThrow(
      'Cannot add/drop partition on a Dynamic Partition Table, Use command `ALTER TABLE d SET ("dynamic_partition.enable" = "false")` firstly.',
    );
    model.ddl.setTableProperties('ccr', 'd', { is_being_synced: 'true' });
    expect(() => model.ddl.checkPartitionAlterAllowed('ccr', 'd')).not.toThrow();
    model.ddl.setTableProperties('ccr', 'd', { is_being_synced: 'false', 'dynamic_partition.enable': 'false' });
    expect(() => model.ddl.checkPartitionAlterAllowed('ccr', 'd')).not.toThrow();
  });

  it('ALTER TABLE SET dynamic_partition.*: refused on a table without dynamic partitioning unless complete (SchemaChangeHandler.process)', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable(
      'ccr',
      tableDef({ name: 'r', keys: [col('dt', 'DATE')], partition: { type: 'RANGE', columns: ['dt'], ranges: [] }, properties: { replication_num: '1', 'binlog.enable': 'true' } }),
    );
    const refused =
      'Table ccr.r is not a dynamic partition table. Use command `HELP ALTER TABLE` to see how to change a normal table to a dynamic partition table.';
    expect(() => model.ddl.setTableProperties('ccr', 'r', { 'dynamic_partition.enable': 'false' })).toThrow(refused);
    expect(() => model.ddl.setTableProperties('ccr', 'r', { 'dynamic_partition.time_unit': 'DAY' })).toThrow(refused);
    // A complete configuration turns it on; the defaults Doris fills are logged with it.
    model.ddl.setTableProperties('ccr', 'r', { 'dynamic_partition.time_unit': 'DAY', 'dynamic_partition.end': '2' });
    const binlogs = model.binlogs.list(model.catalog.database('ccr')?.id ?? 0n);
    const last = binlogs[binlogs.length - 1];
    expect(last?.type).toBe(BinlogType.MODIFY_TABLE_PROPERTY);
    expect(JSON.parse(last?.data ?? '{}')).toMatchObject({
      tableName: 'r',
      properties: { 'dynamic_partition.time_unit': 'DAY', 'dynamic_partition.end': '2', 'dynamic_partition.enable': 'true', 'dynamic_partition.prefix': 'p' },
    });
    // Once it has dynamic partition properties, single changes are accepted.
    model.ddl.setTableProperties('ccr', 'r', { 'dynamic_partition.enable': 'false' });
    model.ddl.setTableProperties('ccr', 'r', { 'dynamic_partition.end': '3' });
  });

  it('keeps the given bucket number for BUCKETS AUTO partitions of a synced table', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable('ccr', {
      ...tableDef({ name: 'a', keys: [col('k', 'INT')], partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }] } }),
      distribution: { type: 'HASH', columns: ['k'], buckets: 'AUTO' },
      properties: { replication_num: '1', is_being_synced: 'true', _auto_bucket: 'true' },
    });
    const p = model.ddl.addPartition('ccr', 'a', { name: 'p2', lower: [10], upper: [20], distribution: { type: 'HASH', columns: ['k'], buckets: 'AUTO' } });
    expect(p?.buckets).toBe(10);
    expect(model.show.createTable('ccr', 'a').rows[0]?.[1]).toContain('BUCKETS AUTO');
  });
});

describe('CREATE TABLE LIKE and database rename', () => {
  it('copies the definition (partitions as fixed ranges, rollups on request) under a new name', () => {
    const { model } = testModel();
    model.ddl.createDatabase('ccr');
    model.ddl.createTable(
      'ccr',
      tableDef({
        name: 'src',
        keys: [col('k', 'INT'), col('d', 'DATE')],
        values: [col('v', 'BIGINT')],
        partition: { type: 'RANGE', columns: ['k'], ranges: [{ name: 'p1', upper: [10] }, { name: 'pmax', upper: [{ maxValue: true }] }] },
        rollups: [{ name: 'r1', columns: ['d', 'k'] }],
        properties: { replication_num: '1', 'binlog.enable': 'true' },
      }),
    );
    model.ddl.createTableLike('ccr', 'copy', 'ccr', 'src', { withRollups: true });
    const text = (name: string) => model.show.createTable('ccr', name).rows[0]?.[1] ?? '';
    expect(text('copy')).toBe(text('src').replace('CREATE TABLE `src`', 'CREATE TABLE `copy`'));
    const copy = model.catalog.table('ccr', 'copy');
    expect(copy?.kind === 'OLAP' && [...copy.indexes.values()].map((i) => i.name)).toEqual(['copy', 'r1']);
  });

  it('renames databases', () => {
    const { model } = testModel();
    model.ddl.createDatabase('a');
    model.ddl.createDatabase('b');
    expect(errorOf(() => model.ddl.renameDatabase('a', 'b')).errno).toBe(1007);
    model.ddl.renameDatabase('a', 'c');
    expect(model.catalog.database('c')).toBeDefined();
    expect(model.catalog.database('a')).toBeUndefined();
  });
});
