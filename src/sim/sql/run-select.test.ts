import { describe, expect, it } from 'vitest';
import type { Value } from '../model/value.js';
import { SqlError } from '../sql-error.js';
import { DATETIME, DECIMAL_10_2, DOUBLE, INT, MemoryTables, testSession, VARCHAR } from './memory-tables.test-helpers.js';
import { parseOne } from './parser.js';
import { runSelect, type ResultSet } from './run-select.js';

const tables = new MemoryTables()
  .addTable(
    'db',
    'orders',
    [
      ['id', INT],
      ['customer', VARCHAR],
      ['amount', DECIMAL_10_2],
      ['created', DATETIME],
      ['ratio', DOUBLE],
    ],
    [
      [1, 'alice', '10.50', '2024-01-01 08:00:00', 0.5],
      [2, 'bob', null, '2024-02-01 10:00:00', 1.5],
      [3, 'alice', '1.25', null, null],
      [4, null, '3.00', '2024-03-01 00:00:00', 2],
      [5, 'carol', '100.00', '2024-03-02 00:00:00', 0.25],
    ],
  )
  .addTable('db', 'empty', [['x', INT]], [])
  .addTable('db', 'names', [['name', VARCHAR]], [['10'], ['9'], ['a'], ['B']])
  .addView('db', 'big_orders', 'SELECT id, customer FROM orders WHERE amount > 5');

function run(sql: string, db: string | null = 'db'): ResultSet {
  const s = parseOne(sql);
  if (s.kind !== 'query') throw new Error('not a query');
  return runSelect(s.query, tables, testSession(db), { now: new Date(2024, 4, 6, 7, 8, 9) });
}

function rows(sql: string): Value[][] {
  return run(sql).rows;
}

function errorOf(sql: string, db: string | null = 'db'): SqlError {
  try {
    run(sql, db);
  } catch (err) {
    if (err instanceof SqlError) return err;
    throw err;
  }
  throw new Error('expected an error');
}

describe('runSelect without FROM', () => {
  it('evaluates literals, arithmetic and labels columns with the text as written', () => {
    const r = run("SELECT 1, 1 + 1, 7 / 2, 7 DIV 2, 10 % 3, 2 * 3.50, -(4), 'x' AS s, NULL");
    expect(r.columns.map((c) => c.name)).toEqual(['1', '1 + 1', '7 / 2', '7 DIV 2', '10 % 3', '2 * 3.50', '-(4)', 's', 'NULL']);
    expect(r.columns.map((c) => c.type.name)).toEqual(['TINYINT', 'BIGINT', 'DOUBLE', 'BIGINT', 'BIGINT', 'DECIMAL', 'TINYINT', 'VARCHAR', 'CHAR']);
    expect(r.rows).toEqual([[1, 2n, 3.5, 3n, 1n, '7.00', -4, 'x', null]]);
  });

  it('reads session functions and variables', () => {
    const r = run('SELECT DATABASE(), VERSION(), USER(), CONNECTION_ID(), @@version_comment, @@autocommit, @unset LIMIT 1');
    expect(r.rows).toEqual([['db', '5.7.99', "'root'@'127.0.0.1'", 7n, 'Doris version doris-2.1.8-rc01', 1, null]]);
    expect(r.columns[4]?.name).toBe('@@version_comment');
    expect(run('SELECT DATABASE()', null).rows).toEqual([[null]]);
    expect(errorOf('SELECT @@no_such_variable')).toMatchObject({ errno: 1193 });
  });

  it('evaluates time functions against the statement time', () => {
    expect(rows("SELECT NOW(), CURDATE(), DATE_FORMAT('2024-05-06 07:08:09', '%Y/%m/%d %H:%i:%s'), '2024-01-31' + INTERVAL 1 MONTH, DATE_SUB(DATE '2024-03-01', INTERVAL 1 DAY)")).toEqual([
      ['2024-05-06 07:08:09', '2024-05-06', '2024/05/06 07:08:09', '2024-02-29 00:00:00', '2024-02-29'],
    ]);
  });

  it('implements SQL NULL semantics in logic and comparisons', () => {
    expect(rows('SELECT NULL = NULL, NULL <=> NULL, 1 <=> NULL, NULL AND 0, NULL OR 1, NOT NULL, 1 IN (2, NULL), 1 IN (1, NULL), NULL IS NULL, 1 IS NOT NULL')).toEqual([
      [null, 1, 0, 0, 1, null, null, 1, 1, 1],
    ]);
    expect(rows('SELECT 1 / 0, COALESCE(NULL, NULL, 3), IFNULL(NULL, "d"), NULLIF(2, 2), CONCAT("a", NULL), CONCAT_WS("-", "a", NULL, "b")')).toEqual([
      [null, 3, 'd', null, null, 'a-b'],
    ]);
  });

  it('CASE, CAST, LIKE, BETWEEN and string functions', () => {
    expect(
      rows(
        "SELECT CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END, CASE WHEN 1 > 2 THEN 'x' ELSE 'y' END, CAST('12' AS INT) + 1, CAST('abc' AS INT), CAST(1.5 AS VARCHAR(10)), 'abc' LIKE 'a_c', 'a%c' LIKE 'a!%c' ESCAPE '!', 'Abc' LIKE 'a%', 5 BETWEEN 1 AND 5, UPPER('x'), LENGTH('héllo'), CHAR_LENGTH('héllo'), SUBSTRING('hello', 2, 3), ROUND(2.5), ROUND(1.234, 2), ABS(-3)",
      ),
    ).toEqual([['two', 'y', 13n, null, '1.5', 1, 1, 0, 1, 'X', 6, 5, 'ell', '3', '1.23', 3]]);
  });
});

describe('runSelect over tables', () => {
  it('filters, orders (NULLs first ascending) and limits', () => {
    expect(rows('SELECT id FROM orders WHERE amount > 2 ORDER BY amount DESC')).toEqual([[5], [1], [4]]);
    expect(rows('SELECT customer FROM orders ORDER BY customer')).toEqual([[null], ['alice'], ['alice'], ['bob'], ['carol']]);
    expect(rows('SELECT customer FROM orders ORDER BY customer DESC LIMIT 2 OFFSET 1')).toEqual([['bob'], ['alice']]);
    expect(rows('SELECT id FROM orders ORDER BY ratio NULLS LAST, id LIMIT 10')).toEqual([[5], [1], [2], [4], [3]]);
  });

  it('compares strings as text and typed columns with coerced literals', () => {
    expect(rows('SELECT name FROM names ORDER BY name')).toEqual([['10'], ['9'], ['B'], ['a']]);
    expect(rows("SELECT id FROM orders WHERE created >= '2024-02-01' ORDER BY id")).toEqual([[2], [4], [5]]);
    expect(rows("SELECT id FROM orders WHERE amount = '3' OR id = '1' ORDER BY 1")).toEqual([[1], [4]]);
  });

  it('aggregates with GROUP BY, HAVING and aliases', () => {
    const r = run('SELECT customer, COUNT(*) AS n, SUM(amount), AVG(amount), MIN(created), MAX(id) FROM orders GROUP BY customer HAVING n >= 1 ORDER BY customer');
    expect(r.columns.map((c) => `${c.name}:${c.type.name}`)).toEqual(['customer:VARCHAR', 'n:BIGINT', 'SUM(amount):DECIMAL', 'AVG(amount):DECIMAL', 'MIN(created):DATETIME', 'MAX(id):INT']);
    expect(r.rows).toEqual([
      [null, 1n, '3.00', '3.0000', '2024-03-01 00:00:00', 4],
      ['alice', 2n, '11.75', '5.8750', '2024-01-01 08:00:00', 3],
      ['bob', 1n, null, null, '2024-02-01 10:00:00', 2],
      ['carol', 1n, '100.00', '100.0000', '2024-03-02 00:00:00', 5],
    ]);
    expect(rows('SELECT customer, COUNT(*) FROM orders GROUP BY 1 HAVING COUNT(*) > 1')).toEqual([['alice', 2n]]);
  });

  it('COUNT on empty input is 0 and SUM is NULL; GROUP BY over nothing yields no rows', () => {
    expect(rows('SELECT COUNT(*), COUNT(x), SUM(x), MAX(x) FROM empty')).toEqual([[0n, 0n, null, null]]);
    expect(rows('SELECT x, COUNT(*) FROM empty GROUP BY x')).toEqual([]);
  });

  it('COUNT(DISTINCT), DISTINCT and GROUP_CONCAT', () => {
    expect(rows('SELECT COUNT(DISTINCT customer), COUNT(customer), COUNT(*) FROM orders')).toEqual([[3n, 4n, 5n]]);
    expect(rows('SELECT DISTINCT customer FROM orders WHERE customer IS NOT NULL ORDER BY 1')).toEqual([['alice'], ['bob'], ['carol']]);
    expect(rows("SELECT GROUP_CONCAT(customer, '|') FROM orders WHERE id < 4")).toEqual([['alice|bob|alice']]);
  });

  it('expands *, qualified stars, views, subqueries and joins', () => {
    expect(run('SELECT * FROM orders LIMIT 1').columns.map((c) => c.name)).toEqual(['id', 'customer', 'amount', 'created', 'ratio']);
    expect(rows('SELECT * FROM big_orders ORDER BY id')).toEqual([
      [1, 'alice'],
      [5, 'carol'],
    ]);
    expect(rows('SELECT b.* FROM orders a JOIN big_orders b ON a.id = b.id WHERE a.id = 5')).toEqual([[5, 'carol']]);
    expect(rows('SELECT t.c FROM (SELECT customer AS c FROM orders WHERE id = 2) t')).toEqual([['bob']]);
    expect(rows('SELECT id FROM orders WHERE id IN (SELECT id FROM big_orders) ORDER BY id')).toEqual([[1], [5]]);
    expect(rows('SELECT id, (SELECT MAX(id) FROM orders) FROM orders WHERE id = 1')).toEqual([[1, 5]]);
    expect(rows('SELECT o.id, b.customer FROM orders o LEFT JOIN big_orders b ON o.id = b.id WHERE o.id < 3 ORDER BY o.id')).toEqual([
      [1, 'alice'],
      [2, null],
    ]);
    expect(rows('SELECT COUNT(*) FROM orders a, orders b')).toEqual([[25n]]);
  });

  it('set operations', () => {
    expect(rows('SELECT 1 UNION SELECT 1 UNION ALL SELECT 2')).toEqual([[1], [2]]);
    expect(rows('SELECT id FROM orders WHERE id < 3 UNION ALL SELECT id FROM orders WHERE id = 1 ORDER BY id DESC')).toEqual([[2], [1], [1]]);
    expect(rows('SELECT id FROM orders INTERSECT SELECT id FROM big_orders')).toEqual([[1], [5]]);
    expect(errorOf('SELECT 1 UNION SELECT 1, 2').errno).toBe(1222);
  });

  it('the syncer information_schema and frontends() queries', () => {
    const views = run("SELECT table_name FROM information_schema.tables WHERE table_schema = 'db' AND  table_type = 'VIEW'");
    expect(views.columns.map((c) => c.name)).toEqual(['table_name']);
    expect(views.rows).toEqual([['big_orders']]);
    expect(rows('select Host, QueryPort, RpcPort, IsMaster from frontends();')).toEqual([['127.0.0.1', '9030', '9020', 'true']]);
  });

  it('reports unknown objects and misuse like Doris', () => {
    expect(errorOf('SELECT nope FROM orders')).toMatchObject({ errno: 1054, sqlState: '42S22', message: "errCode = 2, detailMessage = Unknown column 'nope' in 'table list'" });
    expect(errorOf('SELECT id FROM orders a JOIN orders b ON a.id = b.id')).toMatchObject({ errno: 1052 });
    expect(errorOf('SELECT * FROM orders', null)).toMatchObject({ errno: 1046, sqlState: '3D000' });
    expect(errorOf('SELECT * FROM missing')).toMatchObject({ errno: 1146 });
    expect(errorOf('SELECT nofunc(1)').message).toContain("Can not found function 'nofunc'");
    expect(errorOf('SELECT id FROM orders WHERE COUNT(*) > 1').message).toContain('aggregate function count is not allowed here');
    expect(errorOf('SELECT (SELECT id FROM orders)').errno).toBe(1242);
    expect(errorOf('SELECT * FROM (SELECT 1)').errno).toBe(1248);
  });
});
