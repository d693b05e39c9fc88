// INSERT / INSERT OVERWRITE / DELETE / UPDATE through SQL: rows, labels, defaults, strict
// mode, partitions, the OK packet's info, and the binlogs a load leaves.
import { beforeEach, describe, expect, it } from 'vitest';
import { executorHarness, type ExecutorHarness } from './executor.test-helpers.js';

describe('DML statements', () => {
  let h: ExecutorHarness;

  beforeEach(async () => {
    h = executorHarness();
    await h.exec('CREATE DATABASE d PROPERTIES ("binlog.enable" = "true")');
    await h.exec('USE d');
    await h.exec(
      'CREATE TABLE dup (k INT, v VARCHAR(10) DEFAULT "x", n INT NOT NULL DEFAULT "0") DUPLICATE KEY(k) ' +
        'PARTITION BY RANGE(k) (PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20")) ' +
        'DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")',
    );
    await h.exec(
      'CREATE TABLE uniq (k INT, v VARCHAR(10), n INT) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ' +
        'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")',
    );
  });

  it('INSERT … VALUES with a label answers with the row count and label/status/txnId info', async () => {
    const ok = await h.exec("INSERT INTO dup WITH LABEL my_label VALUES (1, 'a', 1), (12, 'b', 2)");
    const txn = [...h.model.state.txns.values()].find((t) => t.label === 'my_label');
    expect(ok).toEqual({ kind: 'ok', affectedRows: 2, info: `{'label':'my_label', 'status':'VISIBLE', 'txnId':'${txn?.id}'}` });
    expect((await h.query('SELECT k, v, n FROM dup ORDER BY k')).rows).toEqual([['1', 'a', '1'], ['12', 'b', '2']]);
    const dbId = h.model.catalog.database('d')?.id ?? 0n;
    expect(h.model.binlogs.list(dbId).filter((b) => b.type === 0)).toHaveLength(1);
    expect((await h.fail("INSERT INTO dup WITH LABEL my_label VALUES (2, 'c', 3)")).message).toContain('Label [my_label] has already been used');
  });

  it('column lists (any case), DEFAULT and omitted columns take the column defaults', async () => {
    await h.exec('INSERT INTO dup (K) VALUES (3)');
    await h.exec('INSERT INTO dup (k, v, n) VALUES (4, DEFAULT, DEFAULT)');
    expect((await h.query('SELECT k, v, n FROM dup ORDER BY k')).rows).toEqual([['3', 'x', '0'], ['4', 'x', '0']]);
    expect((await h.fail('INSERT INTO dup (k, nope) VALUES (1, 2)')).errno).toBe(1054);
    expect((await h.fail('INSERT INTO dup (k) VALUES (1, 2)')).errno).toBe(1136);
  });

  it('strict mode rejects filtered rows; without it they are skipped', async () => {
    expect((await h.fail('INSERT INTO dup (k) VALUES (5), (99)')).message).toContain('Insert has too many filtered data 1/2');
    await h.exec('SET enable_insert_strict = false');
    expect(await h.exec('INSERT INTO dup (k) VALUES (5), (99)')).toMatchObject({ affectedRows: 1 });
  });

  it('INSERT … SELECT and INSERT into named partitions', async () => {
    await h.exec("INSERT INTO dup VALUES (1, 'a', 1), (11, 'b', 2)");
    await h.exec('INSERT INTO uniq SELECT k, v, n FROM dup WHERE k > 5');
    expect((await h.query('SELECT k FROM uniq')).rows).toEqual([['11']]);
    expect((await h.fail("INSERT INTO dup PARTITION (p1) VALUES (15, 'z', 0)")).message).toContain('filtered');
    await h.exec("INSERT INTO dup PARTITION (p2) VALUES (15, 'z', 0)");
    expect((await h.query('SELECT k FROM dup PARTITION (p2) ORDER BY k')).rows).toEqual([['11'], ['15']]);
  });

  it('INSERT OVERWRITE replaces the data through temporary partitions', async () => {
    await h.exec("INSERT INTO dup VALUES (1, 'a', 1), (11, 'b', 2)");
    await h.exec("INSERT OVERWRITE TABLE dup PARTITION (p1) VALUES (2, 'c', 3)");
    expect((await h.query('SELECT k FROM dup ORDER BY k')).rows).toEqual([['2'], ['11']]);
    const types = h.model.binlogs.list(h.model.catalog.database('d')?.id ?? 0n).map((b) => b.type);
    expect(types).toContain(12);
  });

  it('DELETE with a WHERE removes matching rows (duplicate and unique tables)', async () => {
    await h.exec("INSERT INTO dup VALUES (1, 'a', 1), (2, 'b', 2)");
    await h.exec('DELETE FROM dup WHERE k = 1');
    expect((await h.query('SELECT k FROM dup')).rows).toEqual([['2']]);
    await h.exec("INSERT INTO uniq VALUES (1, 'a', 1), (2, 'b', 2)");
    expect(await h.exec("DELETE FROM uniq WHERE v = 'b'")).toMatchObject({ affectedRows: 1 });
    expect((await h.query('SELECT k FROM uniq')).rows).toEqual([['1']]);
    expect((await h.fail('DELETE FROM dup')).message).toContain('Where clause is not set');
  });

  it('UPDATE rewrites value columns of matching rows of a UNIQUE table', async () => {
    await h.exec("INSERT INTO uniq VALUES (1, 'a', 1), (2, 'b', 2)");
    expect(await h.exec("UPDATE uniq SET n = n + 10, v = 'z' WHERE k = 2")).toMatchObject({ affectedRows: 1 });
    expect((await h.query('SELECT k, v, n FROM uniq ORDER BY k')).rows).toEqual([['1', 'a', '1'], ['2', 'z', '12']]);
    expect((await h.fail('UPDATE uniq SET k = 3')).message).toContain('Only value columns');
    expect((await h.fail('UPDATE dup SET n = 3')).message).toContain('Only unique table could be updated.');
  });

  it('SELECT reads tables, views and joins; unknown tables are reported like Doris', async () => {
    await h.exec("INSERT INTO dup VALUES (1, 'a', 1), (11, 'b', 2)");
    await h.exec("INSERT INTO uniq VALUES (1, 'u', 5)");
    await h.exec('CREATE VIEW vj (kk, vv) AS SELECT d.k, u.v FROM dup d JOIN uniq u ON d.k = u.k');
    expect(await h.query('SELECT * FROM vj')).toEqual({ columns: ['kk', 'vv'], rows: [['1', 'u']] });
    expect(await h.query('SELECT count(*) AS c, sum(n) FROM dup')).toEqual({ columns: ['c', 'sum(n)'], rows: [['2', '3']] });
    const err = await h.fail('SELECT * FROM nope');
    expect(err.message).toBe('errCode = 2, detailMessage = Table [nope] does not exist in database [d].');
    expect((await h.fail('SELECT * FROM nodb.t')).errno).toBe(1049);
  });
});
