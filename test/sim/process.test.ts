// bin/doris_sim as a process: flags, the ready line, clean shutdown and --data-dir persistence.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { runSim, spawnSim, type SimProcess } from './sim-process.js';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

describe('doris_sim process', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('prints one ready line with every port listening, and exits 0 on SIGTERM', async () => {
    const sim = await spawnSim(['--fe-count', '2', '--be-count', '2']);
    const { ready } = sim;
    expect(sim.stdout().split('\n').filter((l) => l !== '')).toHaveLength(1);
    expect(ready.fes).toHaveLength(2);
    expect(ready.fes.map((f) => f.is_master)).toEqual([true, false]);
    expect(ready.query_port).toBe(ready.fes[0]?.query_port);
    expect(ready.bes).toHaveLength(2);
    const ports = [...ready.fes.flatMap((f) => [f.query_port, f.rpc_port, f.http_port]), ...ready.bes.flatMap((b) => [b.be_port, b.http_port])];
    expect(new Set(ports).size).toBe(ports.length);
    for (const port of ports) expect(await canConnect(port)).toBe(true);
    expect(await sim.stop('SIGTERM')).toBe(0);
    for (const port of ports) expect(await canConnect(port)).toBe(false);
  });

  it('exits 0 on SIGINT too', async () => {
    const sim = await spawnSim(['--be-count', '1']);
    expect(await sim.stop('SIGINT')).toBe(0);
  });

  it('rejects bad flags with one clear line and a non-zero exit; --help prints usage', async () => {
    for (const [args, message] of [
      [['--query-port', 'abc'], '--query-port must be an integer from 0 to 65535, got "abc"'],
      [['--be-count', '0'], '--be-count must be an integer from 1 to 64'],
      [['--replication-num', '4', '--be-count', '3'], '--replication-num must be an integer from 1 to 3'],
      [['--log-level', 'loud'], '--log-level must be one of'],
      [['--bogus'], "Unknown option '--bogus'"],
      [['--advertise-host', ''], '--advertise-host must not be empty'],
    ] as const) {
      const run = runSim([...args]);
      const { code } = await run.exited;
      expect(code).toBe(2);
      const lines = run.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toContain(message);
    }
    const help = runSim(['--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.stdout()).toContain('--data-dir');
    expect(help.stdout()).toContain('--advertise-host <addr>');
  });

  it('--advertise-host: the nodes report that address and listen on --host', async () => {
    const sim = await spawnSim(['--be-count', '2', '--advertise-host', '127.0.0.2']);
    try {
      const { ready } = sim;
      expect([...ready.fes.map((f) => f.host), ...ready.bes.map((b) => b.host)]).toEqual(['127.0.0.2', '127.0.0.2', '127.0.0.2']);
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: ready.query_port, user: 'root', password: '' });
      const [bes] = await conn.query('SHOW BACKENDS');
      expect((bes as Record<string, string>[]).map((b) => [b['Host'], Number(b['BePort']), Number(b['HttpPort'])])).toEqual(
        ready.bes.map((b) => ['127.0.0.2', b.be_port, b.http_port]),
      );
      await conn.end();
      for (const b of ready.bes) expect(await canConnect(b.http_port)).toBe(true);
    } finally {
      expect(await sim.stop('SIGTERM')).toBe(0);
    }
  });

  it('a port that is taken makes start-up fail with exit 1', async () => {
    const sim = await spawnSim(['--be-count', '1']);
    try {
      const run = runSim(['--query-port', String(sim.ready.query_port), '--rpc-port', '0', '--http-port', '0', '--be-port', '0', '--be-http-port', '0']);
      expect((await run.exited).code).toBe(1);
      expect(run.stderr()).toContain('failed to start');
    } finally {
      await sim.stop();
    }
  });

  it('--data-dir keeps databases, tables and rows across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doris-sim-'));
    dirs.push(dir);
    const query = async (sim: SimProcess, sql: string): Promise<unknown> => {
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: sim.ready.query_port, user: 'root' });
      try {
        const [rows] = await conn.query(sql);
        return rows;
      } finally {
        await conn.end();
      }
    };
    const first = await spawnSim(['--be-count', '1', '--data-dir', dir]);
    await query(first, 'CREATE DATABASE keep');
    await query(first, 'CREATE TABLE keep.t (k INT, v VARCHAR(8)) DISTRIBUTED BY HASH(k) BUCKETS 1');
    await query(first, "INSERT INTO keep.t VALUES (1, 'one'), (2, 'two')");
    expect(await first.stop()).toBe(0);
    const second = await spawnSim(['--be-count', '1', '--data-dir', dir]);
    try {
      expect(await query(second, 'SELECT k, v FROM keep.t ORDER BY k')).toEqual([
        { k: 1, v: 'one' },
        { k: 2, v: 'two' },
      ]);
      const backends = (await query(second, 'SHOW BACKENDS')) as { BePort: string }[];
      expect(backends[0]?.BePort).toBe(String(second.ready.bes[0]?.be_port));
    } finally {
      await second.stop();
    }
  });
});
