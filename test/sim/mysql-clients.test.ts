// Real MySQL clients against a bin/doris_sim process: mysql2 (connection and pool) and the
// `mysql`/`mariadb` command-line client in batch mode; hostile bytes on the MySQL port.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSim, type SimProcess } from './sim-process.js';

const CLI = ['/usr/bin/mysql', '/usr/bin/mariadb'].find((p) => existsSync(p));
const PASSWORD = 'sim-secret';

let sim: SimProcess;

beforeAll(async () => {
  sim = await spawnSim(['--be-count', '2', '--password', PASSWORD]);
});

afterAll(async () => {
  await sim.stop();
});

function connection(extra: Partial<mysql.ConnectionOptions> = {}): Promise<mysql.Connection> {
  return mysql.createConnection({ host: '127.0.0.1', port: sim.ready.query_port, user: 'root', password: PASSWORD, ...extra });
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(CLI as string, ['-h127.0.0.1', `-P${sim.ready.query_port}`, '--connect-timeout=5', ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
    });
  });
}

describe('mysql2 against doris_sim', () => {
  it('logs in with the password; a wrong one is 1045 Access denied', async () => {
    const c = await connection();
    await c.end();
    await expect(connection({ password: 'wrong' })).rejects.toMatchObject({ errno: 1045, sqlState: '28000' });
  });

  it('round-trips DDL, DML, SHOW and SELECT with Doris column names', async () => {
    const c = await connection();
    try {
      await c.query('CREATE DATABASE m2');
      await c.query('USE m2');
      await c.query('CREATE TABLE t (k INT, v VARCHAR(10), d DECIMAL(10, 2)) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2');
      const [insert] = await c.query("INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 2.25)");
      expect(insert).toMatchObject({ affectedRows: 2 });
      const [rows] = await c.query('SELECT k, v, d FROM t ORDER BY k');
      expect(rows).toEqual([
        { k: 1, v: 'a', d: '1.50' },
        { k: 2, v: 'b', d: '2.25' },
      ]);
      const [tables] = await c.query('SHOW TABLES');
      expect(tables).toEqual([{ Tables_in_m2: 't' }]);
      await c.query("UPDATE t SET v = 'z' WHERE k = 2");
      await c.query('DELETE FROM t WHERE k = 1');
      expect((await c.query('SELECT k, v FROM t'))[0]).toEqual([{ k: 2, v: 'z' }]);
    } finally {
      await c.end();
    }
  });

  it('unknown SQL is error 1064 with a clear message, and the connection stays usable', async () => {
    const c = await connection();
    try {
      await expect(c.query('THIS IS NOT SQL')).rejects.toMatchObject({ errno: 1064, sqlState: '42000' });
      await expect(c.query('SELECT * FROM nodb.t')).rejects.toMatchObject({ errno: 1049 });
      expect((await c.query('SELECT 1 AS one'))[0]).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('a pool serves concurrent queries', async () => {
    const pool = mysql.createPool({ host: '127.0.0.1', port: sim.ready.query_port, user: 'root', password: PASSWORD, connectionLimit: 4 });
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => pool.query(`SELECT ${i} AS n`)));
      expect(results.map(([rows]) => (rows as { n: number }[])[0]?.n)).toEqual(Array.from({ length: 12 }, (_, i) => i));
      const [dbs] = await pool.query("SHOW DATABASES LIKE 'information_schema'");
      expect(dbs).toEqual([{ Database: 'information_schema' }]);
    } finally {
      await pool.end();
    }
  });

  it('multi-statement queries, SHOW PROCESSLIST and KILL reach this FE', async () => {
    const c = await connection({ multipleStatements: true });
    const other = await connection();
    try {
      const [results] = await c.query('SELECT 1 AS a; SELECT 2 AS b');
      expect(results).toEqual([[{ a: 1 }], [{ b: 2 }]]);
      const [list] = await c.query('SHOW PROCESSLIST');
      const me = (list as Record<string, string>[]).find((p) => p['CurrentConnected'] === 'Yes');
      expect(me).toMatchObject({ User: 'root', Command: 'Query', Info: 'SHOW PROCESSLIST' });
      await expect(c.query('KILL 999999')).rejects.toMatchObject({ errno: 1094 });
      await c.query(`KILL ${other.threadId}`);
      await expect(other.query('SELECT 1')).rejects.toThrow();
    } finally {
      await c.end();
      other.destroy();
    }
  });

  it('garbage on the MySQL port gets an error and a closed connection; others are still served', async () => {
    const socket = connect(sim.ready.query_port, '127.0.0.1');
    let received = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    await new Promise((r) => setTimeout(r, 50));
    const handshakeLength = received.length;
    expect(handshakeLength).toBeGreaterThan(4);
    socket.write(Buffer.from('\x10\x00\x00\x01GARBAGE GARBAGE!\xff\xfe\xfd', 'binary'));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('connection still open')), 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    // An ERR packet (0xff after the 4-byte header) came before the close.
    expect(received[handshakeLength + 4]).toBe(0xff);
    const c = await connection();
    expect((await c.query('SELECT 2 AS two'))[0]).toEqual([{ two: 2 }]);
    await c.end();
  });
});

describe.skipIf(CLI === undefined)('mysql command-line client against doris_sim', () => {
  it('runs DDL, DML, SHOW and SELECT in batch mode', async () => {
    const r = await cli([
      '-uroot',
      `-p${PASSWORD}`,
      '-e',
      'CREATE DATABASE cli_db; USE cli_db; CREATE TABLE t (k INT, v VARCHAR(5)) DISTRIBUTED BY HASH(k) BUCKETS 1; ' +
        "INSERT INTO t VALUES (1, 'x'); SHOW TABLES; SELECT k, v FROM t; SHOW CREATE DATABASE cli_db",
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['Tables_in_cli_db', 't', 'k\tv', '1\tx', 'Database\tCreate Database', 'cli_db\tCREATE DATABASE `cli_db`', ''].join('\n'));
  });

  it('fails login with a wrong password and reports 1064 for unknown SQL', async () => {
    const denied = await cli(['-uroot', '-pnope', '-e', 'SELECT 1']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('1045');
    expect(denied.stderr).toContain('Access denied');
    const bad = await cli(['-uroot', `-p${PASSWORD}`, '-e', 'GIVE ME ROWS']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('ERROR 1064 (42000)');
  });
});
