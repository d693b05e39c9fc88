// Wire tests with a real mysql2 client (callback, promise and pool APIs) and a raw client
// for sequence ids and COM_INIT_DB, against the server driven by a small in-test handler.
import mysql from 'mysql2';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { DATETIME, DECIMAL_10_2, INT, MemoryTables, VARCHAR } from '../sql/memory-tables.test-helpers.js';
import type { AuthRequest } from './connection.js';
import { Command } from './protocol.js';
import { decodeError, RawClient } from './raw-client.test-helpers.js';
import { startMysqlServer, type MysqlServer } from './server.js';
import { memoryQueryHandler } from './test-query-handler.test-helpers.js';

const USERS: Record<string, string> = { root: '', admin: 's3cret' };

function authenticate(r: AuthRequest): boolean {
  const password = USERS[r.user];
  return password !== undefined && r.passwordMatches(password);
}

let server: MysqlServer;
let tables: MemoryTables;

beforeAll(async () => {
  tables = new MemoryTables().addTable(
    'db1',
    't',
    [
      ['k', INT],
      ['name', VARCHAR],
      ['amount', DECIMAL_10_2],
      ['ts', DATETIME],
    ],
    [
      [1, 'a', '1.50', '2024-01-01 00:00:00'],
      [2, null, null, null],
    ],
  );
  tables.addTable('db2', 'big', [['n', INT]], Array.from({ length: 5000 }, (_, i) => [i]));
  server = await startMysqlServer({ port: 0, log: createLogger({ level: 'silent' }), authenticate, onQuery: memoryQueryHandler(tables) });
});

afterAll(async () => {
  await server.close();
});

function options(extra: Partial<mysqlPromise.ConnectionOptions> = {}): mysqlPromise.ConnectionOptions {
  return { host: '127.0.0.1', port: server.port, user: 'root', connectTimeout: 5000, ...extra };
}

describe('authentication', () => {
  it('accepts the right passwords', async () => {
    for (const [user, password] of Object.entries(USERS)) {
      const c = await mysqlPromise.createConnection(options({ user, password }));
      const [rows] = await c.query('SELECT USER() AS u');
      expect(rows).toEqual([{ u: `'${user}'@'127.0.0.1'` }]);
      await c.end();
    }
  });

  it('rejects a wrong or missing password with 1045', async () => {
    await expect(mysqlPromise.createConnection(options({ user: 'admin', password: 'nope' }))).rejects.toMatchObject({
      errno: 1045,
      sqlState: '28000',
      message: "Access denied for user 'admin@127.0.0.1' (using password: YES)",
    });
    await expect(mysqlPromise.createConnection(options({ user: 'admin' }))).rejects.toMatchObject({
      errno: 1045,
      message: "Access denied for user 'admin@127.0.0.1' (using password: NO)",
    });
  });

  it('selects the handshake database, and rejects an unknown one with 1049', async () => {
    const c = await mysqlPromise.createConnection(options({ database: 'db1' }));
    const [rows] = await c.query('SELECT DATABASE() AS d, COUNT(*) AS n FROM t');
    expect(rows).toEqual([{ d: 'db1', n: 2 }]);
    await c.end();
    await expect(mysqlPromise.createConnection(options({ database: 'nope' }))).rejects.toMatchObject({ errno: 1049, sqlState: '42000' });
  });
});

describe('queries', () => {
  it('returns typed columns, NULLs and values', async () => {
    const c = await mysqlPromise.createConnection(options({ database: 'db1' }));
    const [rows, fields] = await c.query('SELECT k, name, amount, ts, CAST(k AS BIGINT) AS big FROM t ORDER BY k');
    expect(rows).toEqual([
      { k: 1, name: 'a', amount: '1.50', ts: new Date(2024, 0, 1), big: 1 },
      { k: 2, name: null, amount: null, ts: null, big: 2 },
    ]);
    expect(fields.map((f) => [f.name, f.columnType])).toEqual([
      ['k', 3],
      ['name', 253],
      ['amount', 246],
      ['ts', 12],
      ['big', 8],
    ]);
    await c.end();
  });

  it('returns OK packets with affected rows', async () => {
    const c = await mysqlPromise.createConnection(options({ database: 'db1' }));
    const [ok] = await c.query("INSERT INTO t VALUES (3, 'c', 2.00, NULL), (4, 'd', NULL, NULL)");
    expect(ok).toMatchObject({ affectedRows: 2 });
    const [set] = await c.query('SET @x = 5');
    expect(set).toMatchObject({ affectedRows: 0 });
    const [rows] = await c.query('SELECT @x AS x');
    expect(rows).toEqual([{ x: 5 }]);
    await c.end();
  });

  it('sends errors with errno and SQLSTATE, and the connection stays usable', async () => {
    const c = await mysqlPromise.createConnection(options());
    await expect(c.query('SELEC 1')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
    await expect(c.query('SELECT * FROM t')).rejects.toMatchObject({ errno: 1046, sqlState: '3D000' });
    await expect(c.query('SELECT * FROM db1.nope')).rejects.toMatchObject({ errno: 1146, sqlState: '42S02' });
    await expect(c.query('SELECT "__throw_plain_error__"')).rejects.toMatchObject({ errno: 1105, sqlState: 'HY000', message: expect.stringContaining('boom') as unknown });
    const [rows] = await c.query('SELECT 1 AS one');
    expect(rows).toEqual([{ one: 1 }]);
    await c.end();
  });

  it('answers multi-statements with multiple results when the client allows them', async () => {
    const c = await mysqlPromise.createConnection(options({ multipleStatements: true }));
    const [results] = await c.query('SELECT 1 AS a; USE db1; SELECT name FROM t WHERE k = 1');
    expect(results).toEqual([[{ a: 1 }], expect.objectContaining({ affectedRows: 0 }), [{ name: 'a' }]]);
    await expect(c.query('SELECT 1; SELECT * FROM nope')).rejects.toMatchObject({ errno: 1146 });
    await c.end();
    const single = await mysqlPromise.createConnection(options());
    await expect(single.query('SELECT 1; SELECT 2')).rejects.toMatchObject({ errno: 1064 });
    await single.end();
  });

  it('serves a pool of connections in parallel', async () => {
    const pool = mysqlPromise.createPool({ ...options({ user: 'admin', password: 's3cret' }), connectionLimit: 4 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.query('SELECT ? AS i, CONNECTION_ID() AS id', [i])));
    expect(results.map(([rows]) => (rows as { i: number }[])[0]?.i)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    const ids = new Set(results.map(([rows]) => (rows as { id: number }[])[0]?.id));
    expect(ids.size).toBeGreaterThan(1);
    expect(ids.size).toBeLessThanOrEqual(4);
    await pool.end();
  });

  it('streams large result sets', async () => {
    const c = await mysqlPromise.createConnection(options({ database: 'db2' }));
    const [rows] = await c.query('SELECT n FROM big');
    expect((rows as unknown[]).length).toBe(5000);
    await c.end();
  });

  it('reassembles statements and sends rows larger than one 16 MiB packet', async () => {
    const c = await mysqlPromise.createConnection(options());
    const big = 'x'.repeat(16 * 1024 * 1024 + 10);
    const [rows] = await c.query(`SELECT '${big}' AS s`);
    const [row] = rows as { s: string }[];
    expect(row?.s.length).toBe(big.length);
    await c.end();
  });

  it('works with the callback API, ping and prepared statements', async () => {
    const c = mysql.createConnection(options());
    const rows = await new Promise<unknown>((resolve, reject) => c.query('SELECT 2 AS two', (err, r) => (err ? reject(err) : resolve(r))));
    expect(rows).toEqual([{ two: 2 }]);
    await new Promise<void>((resolve, reject) => c.ping((err) => (err ? reject(err) : resolve())));
    await new Promise<void>((resolve) => c.end(() => resolve()));

    const p = await mysqlPromise.createConnection(options({ database: 'db1' }));
    const [prepared] = await p.execute('SELECT k, name, ts FROM t WHERE k = ? AND name = ?', [1, 'a']);
    expect(prepared).toEqual([{ k: 1, name: 'a', ts: new Date(2024, 0, 1) }]);
    const [nulls] = await p.execute('SELECT ? AS x, ? + 1 AS y', [null, 41]);
    expect(nulls).toEqual([{ x: null, y: 42 }]);
    await p.end();
  });
});

describe('protocol details (raw client)', () => {
  it('numbers reply packets from 1 after each command, across multiple results', async () => {
    const c = await RawClient.open(server.port);
    const ok = await c.login('root', '');
    expect(ok?.seq).toBe(2);
    expect(ok?.payload[0]).toBe(0x00);
    const packets = await c.command(Command.QUERY, 'SELECT 1; SELECT 2');
    expect(packets.map((p) => p.seq)).toEqual(packets.map((_, i) => i + 1));
    const again = await c.command(Command.PING);
    expect(again.map((p) => p.seq)).toEqual([1]);
    c.close();
  });

  it('switches a client that starts with another auth plugin to mysql_native_password', async () => {
    const ok = await RawClient.open(server.port);
    const reply = await ok.login('admin', 's3cret', undefined, 'caching_sha2_password');
    expect([reply?.seq, reply?.payload[0]]).toEqual([4, 0x00]);
    ok.close();
    const denied = await RawClient.open(server.port);
    const err = await denied.login('admin', 'wrong', undefined, 'caching_sha2_password');
    expect(err?.seq).toBe(4);
    expect(decodeError(err?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1045, sqlState: '28000' });
    denied.close();
  });

  it('changes the database with COM_INIT_DB and reports unknown ones', async () => {
    const c = await RawClient.open(server.port);
    await c.login('root', '');
    const [ok] = await c.command(Command.INIT_DB, 'db1');
    expect(ok?.payload[0]).toBe(0x00);
    const [err] = await c.command(Command.INIT_DB, 'missing_db');
    expect(decodeError(err?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1049, sqlState: '42000' });
    const rows = await c.command(Command.QUERY, 'SELECT DATABASE()');
    expect(rows.some((p) => p.payload.includes(Buffer.from('db1')))).toBe(true);
    const [empty] = await c.command(Command.QUERY, '  ');
    expect(decodeError(empty?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1065, sqlState: '42000' });
    const [fieldList] = await c.command(Command.FIELD_LIST, 't\0');
    expect(fieldList?.payload[0]).toBe(0xfe);
    c.close();
  });
});
