// Parser tests: every statement form the syncer sends (doris/PROTOCOL.md §5.1, exact
// spellings), the session/meta/DDL/DML forms of the simulator, multi-statements and errors.
import { describe, expect, it } from 'vitest';
import { SqlError } from '../sql-error.js';
import { parseOne, parseSql } from './parser.js';

function syntaxErrorOf(sql: string): SqlError {
  try {
    parseSql(sql);
  } catch (err) {
    if (err instanceof SqlError) return err;
    throw err;
  }
  throw new Error(`expected a syntax error for ${sql}`);
}

describe('statements the syncer sends (PROTOCOL §5.1)', () => {
  it('#1 frontends() table function with a trailing semicolon', () => {
    const s = parseOne('select Host, QueryPort, RpcPort, IsMaster from frontends();');
    expect(s).toMatchObject({
      kind: 'query',
      query: {
        kind: 'select',
        items: [
          { kind: 'expr', text: 'Host' },
          { kind: 'expr', text: 'QueryPort' },
          { kind: 'expr', text: 'RpcPort' },
          { kind: 'expr', text: 'IsMaster' },
        ],
        from: { kind: 'tableFunction', name: 'frontends', properties: {} },
      },
    });
  });

  it('#2 ADMIN SHOW FRONTEND CONFIG LIKE with a double-quoted pattern', () => {
    expect(parseOne('ADMIN SHOW FRONTEND CONFIG LIKE "%enable_feature_binlog%"')).toEqual({ kind: 'showFrontendConfig', like: '%enable_feature_binlog%' });
  });

  it('#4-#8 SHOW DATABASES / SHOW CREATE / SHOW PROC', () => {
    expect(parseOne("SHOW DATABASES LIKE 'ccr_db'")).toEqual({ kind: 'showDatabases', catalog: undefined, filter: { like: 'ccr_db' } });
    expect(parseOne('SHOW CREATE DATABASE `ccr_db`')).toEqual({ kind: 'showCreateDatabase', db: 'ccr_db' });
    expect(parseOne('SHOW CREATE TABLE `ccr_db`.`tbl`')).toEqual({ kind: 'showCreateTable', table: { db: 'ccr_db', name: 'tbl' }, brief: false });
    expect(parseOne("show proc '/dbs/'")).toEqual({ kind: 'showProc', path: '/dbs/' });
    expect(parseOne("show proc '/dbs/10002/10005/partitions/10004/10006'")).toEqual({ kind: 'showProc', path: '/dbs/10002/10005/partitions/10004/10006' });
  });

  it('#12-#15 SHOW TABLE <id>, SHOW BACKENDS, SHOW TABLES', () => {
    expect(parseOne('show table 9223372036854775807')).toEqual({ kind: 'showTableId', tableId: 9223372036854775807n });
    expect(parseOne('show backends')).toEqual({ kind: 'showBackends' });
    expect(parseOne("SHOW TABLES FROM `ccr_db` LIKE 'tbl'")).toEqual({ kind: 'showTables', full: false, db: 'ccr_db', filter: { like: 'tbl' } });
    expect(parseOne('SHOW TABLES')).toEqual({ kind: 'showTables', full: false, db: undefined, filter: {} });
  });

  it('#16/#17 CREATE DATABASE [IF NOT EXISTS] and DROP DATABASE', () => {
    expect(parseOne('CREATE DATABASE IF NOT EXISTS `ccr_db`')).toEqual({ kind: 'createDatabase', ifNotExists: true, db: 'ccr_db', properties: {} });
    expect(parseOne('DROP DATABASE `ccr_db`')).toEqual({ kind: 'dropDatabase', ifExists: false, db: 'ccr_db', force: false });
  });

  it('#18 BACKUP SNAPSHOT, full and partial', () => {
    expect(parseOne('BACKUP SNAPSHOT `db`.`ccrs_db_1700000000` TO `__keep_on_local__` ON ( `t1`,`t2` ) PROPERTIES ("type" = "full")')).toEqual({
      kind: 'backup',
      db: 'db',
      label: 'ccrs_db_1700000000',
      repo: '__keep_on_local__',
      mode: 'ON',
      tables: [
        { name: { name: 't1' }, partitions: undefined, alias: undefined },
        { name: { name: 't2' }, partitions: undefined, alias: undefined },
      ],
      properties: { type: 'full' },
    });
    expect(parseOne('BACKUP SNAPSHOT `db`.ccrp_db_t_1 TO `__keep_on_local__` ON (`t` PARTITION (`p1`,`p2`)) PROPERTIES ("type" = "full")')).toMatchObject({
      kind: 'backup',
      label: 'ccrp_db_t_1',
      tables: [{ name: { name: 't' }, partitions: { temporary: false, names: ['p1', 'p2'] } }],
    });
  });

  it('#19-#22 SHOW/CANCEL BACKUP and RESTORE', () => {
    expect(parseOne('SHOW BACKUP FROM `db` WHERE SnapshotName = "ccrs_db_1"')).toEqual({ kind: 'showBackup', db: 'db', snapshotName: { op: '=', value: 'ccrs_db_1' } });
    expect(parseOne('SHOW BACKUP FROM `db`')).toEqual({ kind: 'showBackup', db: 'db', snapshotName: undefined });
    expect(parseOne('CANCEL BACKUP FROM db')).toEqual({ kind: 'cancelBackup', db: 'db' });
    expect(parseOne('SHOW RESTORE FROM `db` WHERE Label = "ccrs_db_1_r_2"')).toEqual({ kind: 'showRestore', db: 'db', brief: false, label: { op: '=', value: 'ccrs_db_1_r_2' } });
    expect(parseOne('SHOW RESTORE FROM `db` WHERE Label LIKE "ccrs%"')).toMatchObject({ label: { op: 'LIKE', value: 'ccrs%' } });
    expect(parseOne('CANCEL RESTORE FROM `db`')).toEqual({ kind: 'cancelRestore', db: 'db' });
  });

  it('#23 SHOW TRANSACTION WHERE id = N', () => {
    expect(parseOne('SHOW TRANSACTION FROM `db` WHERE id = 1234567890123')).toEqual({ kind: 'showTransaction', db: 'db', filter: { by: 'id', id: 1234567890123n } });
    expect(parseOne("SHOW TRANSACTION WHERE label = 'l1'")).toEqual({ kind: 'showTransaction', db: undefined, filter: { by: 'label', label: 'l1' } });
  });

  it('#24 information_schema query keeps the lower-case label as written', () => {
    const s = parseOne("SELECT table_name FROM information_schema.tables WHERE table_schema = 'db' AND  table_type = 'VIEW'");
    expect(s).toMatchObject({
      kind: 'query',
      query: {
        items: [{ kind: 'expr', text: 'table_name', expr: { kind: 'column', name: 'table_name' } }],
        from: { kind: 'table', name: { db: 'information_schema', name: 'tables' } },
        where: { kind: 'binary', op: 'AND' },
      },
    });
  });

  it('#25-#28 views and tables dropped, unquoted SHOW CREATE VIEW', () => {
    expect(parseOne('SHOW CREATE VIEW v1')).toEqual({ kind: 'showCreateView', view: { name: 'v1' } });
    expect(parseOne('DROP VIEW IF EXISTS `v1`  ')).toEqual({ kind: 'dropView', ifExists: true, view: { name: 'v1' } });
    expect(parseOne('DROP TABLE `t1` FORCE')).toEqual({ kind: 'dropTable', ifExists: false, table: { name: 't1' }, force: true });
    expect(parseOne('DROP TABLE `t1`  ')).toEqual({ kind: 'dropTable', ifExists: false, table: { name: 't1' }, force: false });
  });

  it('#29 ADD PARTITION from an ADD_PARTITION binlog, with properties and distribution', () => {
    const s = parseOne(
      'ALTER TABLE `t` ADD PARTITION `p20240102` VALUES [("2024-01-02"), ("2024-01-03")) ("version_info" = "1", "storage_medium" = "HDD") DISTRIBUTED BY HASH(`k`) BUCKETS 3',
    );
    expect(s).toEqual({
      kind: 'alterTable',
      table: { name: 't' },
      clauses: [
        {
          kind: 'addPartition',
          temporary: false,
          ifNotExists: false,
          partition: {
            type: 'RANGE',
            name: 'p20240102',
            lower: ['2024-01-02'],
            upper: ['2024-01-03'],
            properties: { version_info: '1', storage_medium: 'HDD' },
          },
          distribution: { type: 'HASH', columns: ['k'], buckets: 3 },
          properties: {},
        },
      ],
    });
  });

  it('#30/#31 DROP PARTITION [FORCE] and TRUNCATE … PARTITIONS', () => {
    expect(parseOne('ALTER TABLE `db`.`t` DROP PARTITION `p1` FORCE')).toEqual({
      kind: 'alterTable',
      table: { db: 'db', name: 't' },
      clauses: [{ kind: 'dropPartition', temporary: false, ifExists: false, name: 'p1', force: true, fromIndex: undefined }],
    });
    expect(parseOne('TRUNCATE TABLE `t`')).toEqual({ kind: 'truncateTable', table: { name: 't' }, partitions: undefined, force: false });
    expect(parseOne('TRUNCATE TABLE `t` PARTITIONS (p1)')).toEqual({ kind: 'truncateTable', table: { name: 't' }, partitions: { temporary: false, names: ['p1'] }, force: false });
  });

  it('#32 light schema change rawSql: ADD COLUMN with default and comment', () => {
    expect(parseOne('ALTER TABLE `t1` ADD COLUMN `c` int NULL DEFAULT "1" COMMENT "a \\"quoted\\" comment"')).toEqual({
      kind: 'alterTable',
      table: { name: 't1' },
      clauses: [
        {
          kind: 'addColumn',
          column: { name: 'c', type: { name: 'INT' }, nullable: true, isKey: false, comment: 'a "quoted" comment', defaultValue: { kind: 'literal', value: 1 } },
          position: undefined,
          rollup: undefined,
          properties: {},
        },
      ],
    });
    expect(parseOne('ALTER TABLE `t1` ADD COLUMN `r` varchar(8) REPLACE_IF_NOT_NULL NULL DEFAULT NULL COMMENT ""')).toMatchObject({
      clauses: [{ kind: 'addColumn', column: { aggregate: 'REPLACE_IF_NOT_NULL', nullable: true, defaultValue: { kind: 'literal', value: null } } }],
    });
  });

  it('#33/#34 renames, quoted and unquoted, with a trailing semicolon', () => {
    expect(parseOne('ALTER TABLE `t` RENAME COLUMN `a` `b`')).toMatchObject({ clauses: [{ kind: 'renameColumn', name: 'a', newName: 'b' }] });
    expect(parseOne('ALTER TABLE old_t RENAME new_t')).toEqual({ kind: 'alterTable', table: { name: 'old_t' }, clauses: [{ kind: 'rename', newName: 'new_t' }] });
    expect(parseOne('ALTER TABLE t RENAME ROLLUP r1 r2')).toMatchObject({ clauses: [{ kind: 'renameRollup', name: 'r1', newName: 'r2' }] });
    expect(parseOne('ALTER TABLE t RENAME PARTITION p1 p2;')).toMatchObject({ clauses: [{ kind: 'renamePartition', name: 'p1', newName: 'p2' }] });
  });

  it('#35 comment changes with the syncer escaping', () => {
    expect(parseOne("ALTER TABLE `t` MODIFY COLUMN `c` COMMENT 'it\\'s \\\"x\\\" \\\\', MODIFY COLUMN `d` COMMENT ''")).toEqual({
      kind: 'alterTable',
      table: { name: 't' },
      clauses: [
        { kind: 'modifyColumnComment', name: 'c', comment: 'it\'s "x" \\' },
        { kind: 'modifyColumnComment', name: 'd', comment: '' },
      ],
    });
    expect(parseOne("ALTER TABLE `t` MODIFY COMMENT 'new\\ncomment'")).toMatchObject({ clauses: [{ kind: 'modifyComment', comment: 'new\ncomment' }] });
  });

  it('#36/#37 REPLACE WITH TABLE and SET properties', () => {
    expect(parseOne('ALTER TABLE `to_t` REPLACE WITH TABLE `from_t` PROPERTIES("swap"="false")')).toMatchObject({
      clauses: [{ kind: 'replaceTable', table: 'from_t', properties: { swap: 'false' }, force: false }],
    });
    expect(parseOne('ALTER TABLE `t` SET ("is_being_synced"="false")')).toMatchObject({ clauses: [{ kind: 'setProperties', properties: { is_being_synced: 'false' } }] });
  });

  it('enable_db_binlog.sh statements', () => {
    expect(parseOne('ALTER TABLE db.t SET ("binlog.enable"="true","binlog.ttl_seconds"="86400")')).toMatchObject({
      table: { db: 'db', name: 't' },
      clauses: [{ kind: 'setProperties', properties: { 'binlog.enable': 'true', 'binlog.ttl_seconds': '86400' } }],
    });
    expect(parseOne('ALTER DATABASE db SET properties ("binlog.enable"="true","binlog.ttl_seconds"="86400")')).toEqual({
      kind: 'alterDatabaseProperties',
      db: 'db',
      properties: { 'binlog.enable': 'true', 'binlog.ttl_seconds': '86400' },
    });
  });
});

describe('session and metadata statements', () => {
  it('SET forms', () => {
    expect(parseOne("SET NAMES utf8mb4 COLLATE 'utf8mb4_general_ci'")).toEqual({ kind: 'set', assignments: [{ kind: 'names', charset: 'utf8mb4', collate: 'utf8mb4_general_ci' }] });
    expect(parseOne('SET SESSION query_timeout = 60, @@global.time_zone = "UTC", autocommit = ON, @u = 1 + 1, sql_mode = DEFAULT')).toMatchObject({
      kind: 'set',
      assignments: [
        { kind: 'system', scope: 'session', name: 'query_timeout', value: { kind: 'literal', value: 60 } },
        { kind: 'system', scope: 'global', name: 'time_zone', value: { kind: 'literal', value: 'UTC' } },
        { kind: 'system', scope: 'session', name: 'autocommit', value: { kind: 'literal', value: 'ON' } },
        { kind: 'user', name: 'u', value: { kind: 'binary', op: '+' } },
        { kind: 'system', name: 'sql_mode', value: undefined },
      ],
    });
    expect(parseOne('SET @@exec_mem_limit = 1024')).toMatchObject({ assignments: [{ kind: 'system', scope: 'session', name: 'exec_mem_limit' }] });
  });

  it('USE, SHOW variants, DESC and ADMIN', () => {
    expect(parseOne('USE `db-1`')).toEqual({ kind: 'use', db: 'db-1' });
    expect(parseOne('use internal.db1')).toEqual({ kind: 'use', catalog: 'internal', db: 'db1' });
    expect(parseOne('SHOW FULL TABLES FROM db WHERE Table_type = "VIEW"')).toMatchObject({ kind: 'showTables', full: true, db: 'db', filter: { where: { kind: 'binary' } } });
    expect(parseOne('SHOW PARTITIONS FROM db.t')).toMatchObject({ kind: 'showPartitions', table: { db: 'db', name: 't' }, temporary: false });
    expect(parseOne('SHOW TEMPORARY PARTITIONS FROM t')).toMatchObject({ kind: 'showPartitions', temporary: true });
    expect(parseOne('SHOW ALTER TABLE COLUMN FROM db')).toMatchObject({ kind: 'showAlterTable', type: 'COLUMN', db: 'db' });
    expect(parseOne('SHOW ALTER TABLE ROLLUP')).toMatchObject({ kind: 'showAlterTable', type: 'ROLLUP', db: undefined });
    expect(parseOne("SHOW VARIABLES LIKE 'version%'")).toEqual({ kind: 'showVariables', scope: 'session', filter: { like: 'version%' } });
    expect(parseOne('SHOW GLOBAL VARIABLES')).toMatchObject({ kind: 'showVariables', scope: 'global' });
    expect(parseOne('SHOW WARNINGS')).toEqual({ kind: 'showWarnings', errors: false, limit: undefined });
    expect(parseOne('SHOW DATA')).toEqual({ kind: 'showData', table: undefined, all: false });
    expect(parseOne('SHOW DATA FROM db.t')).toEqual({ kind: 'showData', table: { db: 'db', name: 't' }, all: false });
    expect(parseOne('DESC db.t ALL')).toEqual({ kind: 'describe', table: { db: 'db', name: 't' }, all: true });
    expect(parseOne('DESCRIBE t')).toEqual({ kind: 'describe', table: { name: 't' }, all: false });
    expect(parseOne('SHOW COLUMNS FROM t FROM db')).toMatchObject({ kind: 'showColumns', table: { db: 'db', name: 't' } });
    expect(parseOne('SHOW INDEXES FROM t')).toEqual({ kind: 'showIndex', table: { name: 't' } });
    expect(parseOne('SHOW FRONTENDS')).toEqual({ kind: 'showFrontends' });
    expect(parseOne('SHOW FRONTEND CONFIG')).toEqual({ kind: 'showFrontendConfig', like: undefined });
    expect(parseOne('ADMIN SET FRONTEND CONFIG ("enable_feature_binlog" = "true")')).toEqual({
      kind: 'adminSetFrontendConfig',
      properties: { enable_feature_binlog: 'true' },
      all: false,
    });
    expect(parseOne('SHOW CREATE TABLE t')).toEqual({ kind: 'showCreateTable', table: { name: 't' }, brief: false });
  });

  it('rejects SHOW BACKUP / SHOW TRANSACTION filters Doris does not accept', () => {
    expect(() => parseOne('SHOW BACKUP WHERE State = "FINISHED"')).toThrow(/SnapshotName = "your_snapshot_name"/);
    expect(() => parseOne('SHOW TRANSACTION WHERE TransactionId > 3')).toThrow(/id = 123 or label = 'label'/);
    expect(() => parseOne('SHOW TRANSACTION FROM db')).toThrow(/Missing transaction id/);
  });
});

describe('DDL, DML and queries', () => {
  it('CREATE VIEW keeps the defining query text as written', () => {
    const sql = "CREATE VIEW IF NOT EXISTS `v` (k COMMENT 'key', v) COMMENT 'view' AS SELECT `k`, v FROM `internal`.`db`.`t`  WHERE k > 1;";
    const s = parseOne(sql);
    expect(s).toMatchObject({
      kind: 'createView',
      ifNotExists: true,
      view: { name: 'v' },
      columns: [
        { name: 'k', comment: 'key' },
        { name: 'v', comment: '' },
      ],
      comment: 'view',
      queryText: 'SELECT `k`, v FROM `internal`.`db`.`t`  WHERE k > 1',
      query: { kind: 'select', from: { kind: 'table', name: { catalog: 'internal', db: 'db', name: 't' } } },
    });
    if (s.kind !== 'createView') throw new Error('unexpected');
    expect(sql.slice(s.querySpan.start, s.querySpan.end)).toBe(s.queryText);
    expect(parseOne('ALTER VIEW v AS SELECT 1')).toMatchObject({ kind: 'alterView', queryText: 'SELECT 1' });
  });

  it('RECOVER, CANCEL ALTER and CREATE TABLE LIKE', () => {
    expect(parseOne('RECOVER TABLE db.t 10012 AS t2')).toEqual({ kind: 'recoverTable', table: { db: 'db', name: 't' }, id: 10012n, alias: 't2' });
    expect(parseOne('RECOVER PARTITION p1 FROM t')).toEqual({ kind: 'recoverPartition', partition: 'p1', id: undefined, alias: undefined, table: { name: 't' } });
    expect(parseOne('CANCEL ALTER TABLE COLUMN FROM db.t')).toEqual({ kind: 'cancelAlterTable', type: 'COLUMN', table: { db: 'db', name: 't' }, jobIds: [] });
    expect(parseOne('CREATE TABLE IF NOT EXISTS t2 LIKE db.t1 WITH ROLLUP (r1)')).toEqual({
      kind: 'createTableLike',
      ifNotExists: true,
      table: { name: 't2' },
      like: { db: 'db', name: 't1' },
      withRollup: ['r1'],
    });
  });

  it('RESTORE SNAPSHOT, KILL and EXPLAIN', () => {
    expect(parseOne('RESTORE SNAPSHOT db.snap1 FROM `repo` ON (`t1` PARTITION (p1) AS t1_new, t2) PROPERTIES ("backup_timestamp" = "2024-01-01-00-00-00", "replication_num" = "1")')).toEqual({
      kind: 'restore',
      db: 'db',
      label: 'snap1',
      repo: 'repo',
      mode: 'ON',
      tables: [
        { name: { name: 't1' }, partitions: { temporary: false, names: ['p1'] }, alias: 't1_new' },
        { name: { name: 't2' }, partitions: undefined, alias: undefined },
      ],
      properties: { backup_timestamp: '2024-01-01-00-00-00', replication_num: '1' },
    });
    expect(parseOne('BACKUP SNAPSHOT s TO r EXCLUDE (t3)')).toMatchObject({ kind: 'backup', db: undefined, mode: 'EXCLUDE', tables: [{ name: { name: 't3' } }] });
    expect(parseOne('KILL QUERY 12')).toEqual({ kind: 'kill', query: true, connectionId: 12n });
    expect(parseOne('KILL 3')).toEqual({ kind: 'kill', query: false, connectionId: 3n });
    expect(parseOne('EXPLAIN SELECT 1')).toMatchObject({ kind: 'explain', statement: { kind: 'query' } });
    expect(parseOne('DESC SELECT 1')).toMatchObject({ kind: 'explain', statement: { kind: 'query' } });
  });

  it('INSERT, DELETE, UPDATE and transactions', () => {
    expect(parseOne("INSERT INTO db.t PARTITION (p1) WITH LABEL lbl_1 (k, v) VALUES (1, 'a'), (2, DEFAULT)")).toMatchObject({
      kind: 'insert',
      overwrite: false,
      table: { db: 'db', name: 't' },
      partitions: { names: ['p1'] },
      label: 'lbl_1',
      columns: ['k', 'v'],
      source: { kind: 'values', rows: [[{ value: 1 }, { value: 'a' }], [{ value: 2 }, { kind: 'default' }]] },
    });
    expect(parseOne('INSERT OVERWRITE TABLE t PARTITION (*) SELECT * FROM s')).toMatchObject({ overwrite: true, partitions: { names: '*' }, source: { kind: 'select' } });
    expect(parseOne('INSERT INTO t (SELECT 1)')).toMatchObject({ kind: 'insert', columns: undefined, source: { kind: 'select' } });
    expect(parseOne('DELETE FROM t PARTITION p1 WHERE k = 1')).toMatchObject({ kind: 'delete', partitions: { names: ['p1'] }, where: { op: '=' } });
    expect(parseOne("UPDATE t SET v = concat(v, 'x'), w = 2 WHERE k > 1")).toMatchObject({ kind: 'update', assignments: [{ column: 'v' }, { column: 'w' }] });
    expect(parseOne('BEGIN WITH LABEL l1')).toEqual({ kind: 'begin', label: 'l1' });
    expect(parseOne('COMMIT WORK')).toEqual({ kind: 'commit' });
    expect(parseOne('ROLLBACK')).toEqual({ kind: 'rollback' });
  });

  it('SELECT clauses, joins, unions and subqueries', () => {
    const s = parseOne(
      'SELECT DISTINCT a.k AS key1, count(*) c FROM db.t a LEFT JOIN u ON a.k = u.k WHERE a.k IN (SELECT k FROM w) GROUP BY a.k HAVING c > 1 ORDER BY 2 DESC, key1 LIMIT 10 OFFSET 5',
    );
    expect(s).toMatchObject({
      kind: 'query',
      query: {
        kind: 'select',
        distinct: true,
        items: [
          { alias: 'key1', expr: { kind: 'column', table: 'a', name: 'k' } },
          { alias: 'c', expr: { kind: 'call', name: 'COUNT', star: true } },
        ],
        from: { kind: 'join', type: 'LEFT', left: { kind: 'table', alias: 'a' }, right: { kind: 'table', name: { name: 'u' } } },
        where: { kind: 'inSubquery' },
        groupBy: [{ kind: 'column' }],
        having: { kind: 'binary', op: '>' },
        orderBy: [{ desc: true }, { desc: false }],
        limit: { count: 10, offset: 5 },
      },
    });
    expect(parseOne('SELECT 1 UNION ALL SELECT 2 ORDER BY 1 LIMIT 1, 2')).toMatchObject({
      query: { kind: 'setOp', op: 'UNION', all: true, limit: { offset: 1, count: 2 } },
    });
    expect(parseOne('SELECT 1 FROM DUAL')).toMatchObject({ query: { from: undefined } });
    expect(parseOne('SELECT @@version_comment LIMIT 1')).toMatchObject({
      query: { items: [{ text: '@@version_comment', expr: { kind: 'variable', scope: 'system', name: 'version_comment' } }], limit: { count: 1, offset: 0 } },
    });
  });

  it('expression precedence follows Doris', () => {
    expect(parseOne('SELECT 1 + 2 * 3 = 7 AND NOT 1 > 2 OR 0')).toMatchObject({
      query: {
        items: [
          {
            expr: {
              op: 'OR',
              left: {
                op: 'AND',
                left: { op: '=', left: { op: '+', right: { op: '*' } } },
                right: { kind: 'unary', op: 'NOT', operand: { op: '>' } },
              },
            },
          },
        ],
      },
    });
    expect(parseOne("SELECT a NOT BETWEEN 1 AND 2, b NOT LIKE 'x%' ESCAPE '!', c IS NOT NULL, CAST(d AS DECIMAL(10, 2)), CASE WHEN e THEN 1 ELSE 2 END")).toMatchObject({
      query: {
        items: [
          { expr: { kind: 'between', not: true } },
          { expr: { kind: 'like', not: true, escape: { value: '!' } } },
          { expr: { kind: 'isNull', not: true } },
          { expr: { kind: 'cast', type: { name: 'DECIMAL', precision: 10, scale: 2 } } },
          { expr: { kind: 'case' } },
        ],
      },
    });
  });
});

describe('multi-statements and errors', () => {
  it('splits on top-level semicolons, allows empty statements and keeps statement text', () => {
    const sql = " SELECT 1; ;SELECT ';' ; -- done\n";
    const all = parseSql(sql);
    expect(all.map((s) => s.text)).toEqual(['SELECT 1', "SELECT ';'"]);
    expect(all.map((s) => s.offset)).toEqual([1, 12]);
    expect(parseSql('  -- only a comment\n')).toEqual([]);
  });

  it('parses keywords case-insensitively and keeps identifier case', () => {
    expect(parseOne('sElEcT MyCol FrOm MyDb.MyTable')).toMatchObject({ query: { items: [{ text: 'MyCol' }], from: { name: { db: 'MyDb', name: 'MyTable' } } } });
  });

  it('reports syntax errors as 1064 with the token and position', () => {
    const e = syntaxErrorOf('SELECT * FROM t LIMIT x');
    expect(e.errno).toBe(1064);
    expect(e.sqlState).toBe('42000');
    expect(e.message).toBe("errCode = 2, detailMessage = \nmismatched input 'x' expecting an integer(line 1, pos 22)\n");
    expect(syntaxErrorOf('SELECT k FROM t u v').message).toContain("mismatched input 'v' expecting {<EOF>, ';'}(line 1, pos 18)");
    expect(syntaxErrorOf('SELEC 1').message).toContain("extraneous input 'SELEC'(line 1, pos 0)");
    expect(syntaxErrorOf('SELECT 1;\nSELECT (1').message).toContain("mismatched input '<EOF>' expecting ')'(line 2, pos 9)");
  });

  it('rejects reserved words as unquoted identifiers but accepts them back-quoted', () => {
    expect(syntaxErrorOf('CREATE TABLE t (key INT) DISTRIBUTED BY HASH(key) BUCKETS 1').errno).toBe(1064);
    expect(parseOne('CREATE TABLE t (`key` INT) DISTRIBUTED BY HASH(`key`) BUCKETS 1')).toMatchObject({ kind: 'createTable', def: { keys: ['key'] } });
    // Non-reserved keywords are fine unquoted.
    expect(parseOne('SELECT comment, status, value FROM t')).toMatchObject({ query: { items: [{ text: 'comment' }, { text: 'status' }, { text: 'value' }] } });
  });

  it('parses statements Doris knows but the simulator does not model as unsupported', () => {
    expect(parseOne("GRANT SELECT_PRIV ON db.* TO 'u'@'%'")).toEqual({ kind: 'unsupported', what: 'GRANT' });
    expect(parseOne('ALTER TABLE t ENABLE FEATURE "BATCH_DELETE"')).toMatchObject({ clauses: [{ kind: 'enableFeature', feature: 'BATCH_DELETE' }] });
  });
});
