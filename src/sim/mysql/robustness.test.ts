// Hostile and broken clients: each must get an error and/or a closed connection, never a
// crash or a hang, while other clients keep being served.
import { connect } from 'node:net';
import mysqlPromise from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import type { Session } from './session.js';
import { Command } from './protocol.js';
import type { QueryResult } from './query-result.js';
import { decodeError, RawClient } from './raw-client.test-helpers.js';
import { startMysqlServer, type MysqlServer } from './server.js';

let server: MysqlServer;
/** Signals of queries that wait for their client to go away. */
const waiting: AbortSignal[] = [];

async function onQuery(_session: Session, sql: string, signal: AbortSignal): Promise<QueryResult[]> {
  if (sql === 'WAIT') {
    waiting.push(signal);
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    return [{ kind: 'ok' }];
  }
  return [{ kind: 'rows', columns: [{ name: 'v', type: { name: 'VARCHAR', length: 10 } }], rows: [['ok']] }];
}

beforeAll(async () => {
  server = await startMysqlServer({
    port: 0,
    log: createLogger({ level: 'silent' }),
    authenticate: (r) => r.passwordMatches(''),
    onQuery,
    handshakeTimeoutMs: 1000,
    readTimeoutMs: 300,
    maxPacketBytes: 1024 * 1024,
  });
});

afterAll(async () => {
  await server.close();
});

async function stillServes(): Promise<void> {
  const c = await mysqlPromise.createConnection({ host: '127.0.0.1', port: server.port, user: 'root' });
  const [rows] = await c.query('SELECT 1');
  expect(rows).toEqual([{ v: 'ok' }]);
  await c.end();
}

async function closedWithin(client: RawClient, ms: number): Promise<void> {
  await Promise.race([
    client.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms)),
  ]);
}

describe('robustness', () => {
  it('answers non-MySQL bytes at login with "Bad handshake" and closes', async () => {
    const c = await RawClient.open(server.port);
    await c.read(); // handshake
    c.socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const err = await c.read();
    expect(decodeError(err?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1043, sqlState: '08S01', message: 'Bad handshake' });
    await closedWithin(c, 3000);
    await stillServes();
  });

  it('closes a connection whose packet never completes', async () => {
    const c = await RawClient.open(server.port);
    await c.read();
    // Header says 100 bytes, only 10 follow.
    c.socket.write(Buffer.concat([Buffer.from([100, 0, 0, 1]), Buffer.alloc(10)]));
    await closedWithin(c, 3000);
    await stillServes();
  });

  it('closes a client that never logs in', async () => {
    const c = await RawClient.open(server.port);
    await c.read();
    await closedWithin(c, 5000);
  });

  it('rejects an oversized command with 1153 and an out-of-order one with 1156', async () => {
    const big = await RawClient.open(server.port);
    await big.login('root', '');
    big.socket.write(Buffer.from([0xff, 0xff, 0xff, 0x00, Command.QUERY]));
    const tooLarge = await big.read();
    expect(decodeError(tooLarge?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1153, sqlState: '08S01' });
    await closedWithin(big, 3000);

    const disordered = await RawClient.open(server.port);
    await disordered.login('root', '');
    disordered.send(Buffer.from([Command.QUERY, ...Buffer.from('SELECT 1')]), 5);
    const outOfOrder = await disordered.read();
    expect(decodeError(outOfOrder?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1156 });
    await closedWithin(disordered, 3000);
    await stillServes();
  });

  it('rejects unknown commands but keeps the connection', async () => {
    const c = await RawClient.open(server.port);
    await c.login('root', '');
    const [err] = await c.command(0x7f, 'junk');
    expect(decodeError(err?.payload ?? Buffer.alloc(9))).toMatchObject({ errno: 1047, sqlState: '08S01' });
    const rows = await c.command(Command.QUERY, 'SELECT 1');
    expect(rows.length).toBeGreaterThan(3);
    c.close();
  });

  it('survives random bytes and abrupt disconnects, and aborts the running query of a gone client', async () => {
    for (let i = 0; i < 5; i++) {
      const socket = connect(server.port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.on('error', () => undefined);
      socket.write(Buffer.from(Array.from({ length: 64 }, (_, j) => (j * 37 + i * 11) & 0xff)));
      socket.destroy();
    }
    const c = await RawClient.open(server.port);
    await c.login('root', '');
    c.send(Buffer.concat([Buffer.from([Command.QUERY]), Buffer.from('WAIT')]), 0);
    const deadline = Date.now() + 3000;
    while (waiting.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(waiting).toHaveLength(1);
    c.close();
    while (!waiting[0]?.aborted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    expect(waiting[0]?.aborted).toBe(true);
    await stillServes();
  });

  it('lists processes and kills a running query or a whole connection', async () => {
    const c = await RawClient.open(server.port);
    await c.login('root', '');
    const before = waiting.length;
    c.send(Buffer.concat([Buffer.from([Command.QUERY]), Buffer.from('WAIT')]), 0);
    const deadline = Date.now() + 3000;
    while (waiting.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const process = server.processList().find((p) => p.info === 'WAIT');
    expect(process).toMatchObject({ user: 'root', host: '127.0.0.1', command: 'Query', db: null });
    expect(server.kill(process?.id ?? -1, true)).toBe(true);
    expect(waiting[before]?.aborted).toBe(true);
    expect(waiting[before]?.reason).toMatchObject({ errno: 1317 });
    const reply = await c.read();
    expect(reply?.payload[0]).toBe(0x00);
    expect(server.processList().find((p) => p.id === process?.id)?.command).toBe('Sleep');
    expect(server.kill(process?.id ?? -1, false)).toBe(true);
    await closedWithin(c, 3000);
    expect(server.kill(987654, false)).toBe(false);
  });

  it('close() disconnects clients and is idempotent', async () => {
    const extra = await startMysqlServer({ port: 0, log: createLogger({ level: 'silent' }), authenticate: () => true, onQuery });
    const c = await RawClient.open(extra.port);
    await c.login('root', '');
    await Promise.all([extra.close(), extra.close()]);
    await closedWithin(c, 3000);
  });
});
