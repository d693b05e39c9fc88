// Runs against the real MariaDB (CCR_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306).
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../util/free-port.js';
import { SqlClient, SqlClientError, quoteIdent, quoteString, type SqlClientOptions } from './sql-client.js';

const url = new URL(process.env.CCR_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
const mariadb = { host: url.hostname, port: Number(url.port || 3306) };
const user = decodeURIComponent(url.username || 'root');
const password = decodeURIComponent(url.password);
const db = `ccr_sql_client_${randomBytes(4).toString('hex')}`;
const signal = new AbortController().signal;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function sql(options: Partial<SqlClientOptions> = {}): SqlClient {
  const c = new SqlClient({ endpoints: [mariadb], user, password, connectTimeoutMs: 2_000, ...options });
  cleanups.push(() => c.close());
  return c;
}

/** A TCP proxy to MariaDB on `port`, standing in for a second FE that comes back. */
async function proxy(port: number): Promise<{ connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    connections++;
    const upstream = net.connect(mariadb.port, mariadb.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  return {
    connections: () => connections,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  const admin = new SqlClient({ endpoints: [mariadb], user, password });
  await admin.exec(`CREATE DATABASE ${quoteIdent(db)}`, signal);
  await admin.close();
});

afterAll(async () => {
  const admin = new SqlClient({ endpoints: [mariadb], user, password });
  await admin.exec(`DROP DATABASE IF EXISTS ${quoteIdent(db)}`, signal);
  await admin.close();
});

describe('SqlClient against MariaDB', () => {
  it('returns every value as text, keyed by the exact column label', async () => {
    const c = sql();
    const res = await c.query(
      "SELECT 1 AS a, 2.50 AS `Create Table`, NULL AS c, 'x' AS table_name, CAST(9007199254740993 AS UNSIGNED) AS big, 1=1 AS b",
      signal,
    );
    expect(res.columns).toEqual(['a', 'Create Table', 'c', 'table_name', 'big', 'b']);
    expect(res.rows).toEqual([{ a: '1', 'Create Table': '2.50', c: null, table_name: 'x', big: '9007199254740993', b: '1' }]);
  });

  it('executes statements in the default or a per-call database', async () => {
    const c = sql({ database: db });
    await c.exec('CREATE TABLE t (k BIGINT, v VARCHAR(20))', signal);
    expect((await c.exec("INSERT INTO t VALUES (1, 'a'), (9223372036854775807, NULL)", signal)).affectedRows).toBe(2);
    const rows = await sql().query('SELECT k, v FROM t ORDER BY k', signal, { db });
    expect(rows.rows).toEqual([
      { k: '1', v: 'a' },
      { k: '9223372036854775807', v: null },
    ]);
    const tables = await c.query('SHOW TABLES', signal);
    expect(tables.columns).toEqual([`Tables_in_${db}`]);
    expect(tables.rows).toEqual([{ [`Tables_in_${db}`]: 't' }]);
  });

  it('times out a slow statement and stays usable', async () => {
    const c = sql({ maxConnections: 1 });
    const started = Date.now();
    const err = await rejection(c.query('SELECT SLEEP(5)', signal, { timeoutMs: 200 }));
    expect(err).toBeInstanceOf(SqlClientError);
    expect(err).toMatchObject({ kind: 'timeout', category: 'sql', disposition: 'retry' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await c.query('SELECT 7 AS n', signal)).rows).toEqual([{ n: '7' }]);
  });

  it('checks beforeSend once it holds a connection: a check that fails after the wait sends nothing', async () => {
    const c = sql({ database: db, maxConnections: 1 });
    await c.exec('CREATE TABLE guarded (k INT)', signal);
    let allowed = true;
    const busy = c.query('SELECT SLEEP(0.3)', signal); // holds the only connection
    const guarded = c.exec('INSERT INTO guarded VALUES (1)', signal, {
      beforeSend: () => {
        if (!allowed) throw new Error('lease lost');
      },
    });
    allowed = false; // the lease runs out while the INSERT waits for the connection
    await busy;
    expect(((await rejection(guarded)) as Error).message).toBe('lease lost');
    expect((await c.query('SELECT count(*) AS n FROM guarded', signal)).rows).toEqual([{ n: '0' }]);
  });

  it('rejects with the abort reason and stays usable', async () => {
    const c = sql({ maxConnections: 1 });
    const ctl = new AbortController();
    const pending = c.query('SELECT SLEEP(5)', ctl.signal);
    setTimeout(() => ctl.abort(new Error('shutdown')), 100);
    const started = Date.now();
    expect(((await rejection(pending)) as Error).message).toBe('shutdown');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await c.query('SELECT 8 AS n', signal)).rows).toEqual([{ n: '8' }]);
    await expect(c.query('SELECT 1', ctl.signal)).rejects.toThrow('shutdown');
  });

  it('fails over to the next FE when the first refuses, and comes back to it later', async () => {
    const firstPort = await freePort();
    const c = sql({ endpoints: [{ host: '127.0.0.1', port: firstPort }, mariadb], primaryRetryAfterMs: 50 });
    expect((await c.query('SELECT 1 AS one', signal)).rows).toEqual([{ one: '1' }]);
    expect(c.activeEndpoint).toBe(`${mariadb.host}:${mariadb.port}`);
    const first = await proxy(firstPort);
    cleanups.push(() => first.close());
    await new Promise((r) => setTimeout(r, 60));
    expect((await c.query('SELECT 2 AS two', signal)).rows).toEqual([{ two: '2' }]);
    expect(c.activeEndpoint).toBe(`127.0.0.1:${firstPort}`);
    expect(first.connections()).toBeGreaterThan(0);
  });

  it('reports a connect error when no FE can be reached', async () => {
    const c = sql({ endpoints: [{ host: '127.0.0.1', port: await freePort() }] });
    await expect(c.exec('SELECT 1', signal)).rejects.toMatchObject({ kind: 'connect', category: 'sql' });
  });

  it('maps server errors with errno, SQL state and the server message', async () => {
    const c = sql();
    const err = (await rejection(c.exec('SELEKT nonsense', signal))) as SqlClientError;
    expect(err).toMatchObject({ kind: 'server', errno: 1064, sqlState: '42000', category: 'sql' });
    expect(err.serverMessage).toContain('SQL syntax');
    expect(err.message).toContain('1064');
    expect(err.details).toMatchObject({ errno: 1064, statement: 'SELEKT nonsense' });
    // The connection survived the error.
    expect((await c.query('SELECT 3 AS n', signal)).rows).toEqual([{ n: '3' }]);
  });

  it('never puts the password in an access-denied error', async () => {
    const secret = 'hunter2-very-secret';
    const c = sql({ user: 'ccr_no_such_user', password: secret });
    const err = (await rejection(c.query('SELECT 1', signal))) as SqlClientError;
    expect(err).toMatchObject({ kind: 'server', errno: 1045 });
    expect(err.message).toContain('ccr_no_such_user');
    expect(JSON.stringify({ message: err.message, details: err.details, server: err.serverMessage })).not.toContain(secret);
  });

  it('refuses statements once closed', async () => {
    const c = sql();
    await c.close();
    await expect(c.query('SELECT 1', signal)).rejects.toMatchObject({ kind: 'aborted', disposition: 'abort' });
  });
});

describe('quoting helpers', () => {
  it('quote identifiers and strings so that they round-trip through a MySQL server', async () => {
    expect(quoteIdent('t')).toBe('`t`');
    expect(quoteIdent('a`b')).toBe('`a``b`');
    expect(quoteString("it's")).toBe("'it\\'s'");
    expect(quoteString('a\\b"c')).toBe("'a\\\\b\\\"c'");
    const tricky = `quote ' double " back \\ nul \0 nl \n cr \r ctrl-z \x1a tab \t 100%_ ünï 😀 \\'`;
    const column = 'we`ird col';
    const res = await sql().query(`SELECT ${quoteString(tricky)} AS ${quoteIdent(column)}`, signal);
    expect(res.columns).toEqual([column]);
    expect(res.rows[0]?.[column]).toBe(tricky);
  });
});
