// startSimCluster in-process: every node's ports, SQL through the real MySQL port, the BE
// stop/restart fault reopening the same ports, and --data-dir style persistence.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { FeClient } from '../doris/fe-client.js';
import { startSimCluster } from './cluster.js';

function refused(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, host, () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('startSimCluster', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('starts every FE and BE on free ports and records them in the model', async () => {
    const cluster = await startSimCluster({ feCount: 2, beCount: 2, password: 'pw' });
    try {
      expect(cluster.frontends.map((f) => f.isMaster)).toEqual([true, false]);
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: cluster.frontends[1]?.queryPort, user: 'root', password: 'pw' });
      const [fes] = await conn.query('select Host, QueryPort, RpcPort, IsMaster, CurrentConnected from frontends();');
      expect(fes).toEqual(
        cluster.frontends.map((f, i) => ({
          Host: '127.0.0.1',
          QueryPort: String(f.queryPort),
          RpcPort: String(f.rpcPort),
          IsMaster: String(f.isMaster),
          CurrentConnected: i === 1 ? 'Yes' : 'No',
        })),
      );
      const [bes] = await conn.query('SHOW BACKENDS');
      expect((bes as Record<string, string>[]).map((b) => [b['BePort'], b['HttpPort']])).toEqual(
        cluster.backends.map((b) => [String(b.bePort), String(b.httpPort)]),
      );
      await conn.end();
    } finally {
      await cluster.close();
    }
    for (const f of cluster.frontends) expect(await refused(f.queryPort)).toBe(true);
  });

  it('the BE stop/restart fault closes and reopens the same ports', async () => {
    const cluster = await startSimCluster({ beCount: 1 });
    try {
      const be = cluster.backends[0];
      if (be === undefined) throw new Error('no backend');
      await cluster.env.faults.stopBackend(be.id);
      expect(await refused(be.bePort)).toBe(true);
      expect(await refused(be.httpPort)).toBe(true);
      await cluster.env.faults.restartBackend(be.id);
      expect(await refused(be.bePort)).toBe(false);
      expect(await refused(be.httpPort)).toBe(false);
    } finally {
      await cluster.close();
    }
  });

  it('advertiseHost: every node reports that address (SQL, Thrift, redirects) and listens on host', async () => {
    const cluster = await startSimCluster({ feCount: 2, beCount: 2, advertiseHost: '127.0.0.2' });
    const follower = cluster.frontends[1];
    if (follower === undefined) throw new Error('no follower');
    const fe = new FeClient({ frontends: [{ host: '127.0.0.1', port: follower.rpcPort }], connectTimeoutMs: 1000 });
    const mapped = new FeClient({ frontends: [{ host: '127.0.0.1', port: follower.rpcPort }], hostMapping: { '127.0.0.2': '127.0.0.1' } });
    try {
      expect([...cluster.frontends, ...cluster.backends].map((n) => n.host)).toEqual(['127.0.0.2', '127.0.0.2', '127.0.0.2', '127.0.0.2']);
      const conn = await mysql.createConnection({ host: '127.0.0.1', port: cluster.frontends[0]?.queryPort, user: 'root', password: '' });
      const [fes] = await conn.query('select Host from frontends();');
      expect(fes).toEqual([{ Host: '127.0.0.2' }, { Host: '127.0.0.2' }]);
      const [shown] = await conn.query('SHOW FRONTENDS');
      expect((shown as Record<string, string>[]).map((f) => f['Host'])).toEqual(['127.0.0.2', '127.0.0.2']);
      const [bes] = await conn.query('SHOW BACKENDS');
      expect((bes as Record<string, string>[]).map((b) => b['Host'])).toEqual(['127.0.0.2', '127.0.0.2']);
      // SQL inside the cluster still works: a table over both BEs, loaded and read back.
      await conn.query('CREATE DATABASE d');
      await conn.query('CREATE TABLE d.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "2")');
      await conn.query('INSERT INTO d.t VALUES (1), (2)');
      const [rows] = await conn.query('SELECT k FROM d.t ORDER BY k');
      expect(rows).toEqual([{ k: 1 }, { k: 2 }]);
      await conn.end();
      // Thrift: getBackendMeta reports the advertised address; a follower names the master by
      // it, so a client reaches the master only through a mapping.
      const meta = await mapped.getBackendMeta({ user: 'root', passwd: '' }, AbortSignal.timeout(10_000));
      expect((meta.backends ?? []).map((b) => [b.host, b.be_port, b.http_port])).toEqual(cluster.backends.map((b) => ['127.0.0.2', b.bePort, b.httpPort]));
      await expect(fe.getBackendMeta({ user: 'root', passwd: '' }, AbortSignal.timeout(10_000))).rejects.toThrow(/127\.0\.0\.2/);
      // Nothing listens on the advertised address; everything on the listen address.
      for (const b of cluster.backends) {
        expect(await refused(b.httpPort, '127.0.0.2')).toBe(true);
        expect(await refused(b.httpPort)).toBe(false);
      }
    } finally {
      await Promise.all([fe.close(), mapped.close()]);
      await cluster.close();
    }
  });

  it('a restarted cluster advertises the host of this run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cluster-'));
    dirs.push(dir);
    const first = await startSimCluster({ beCount: 1, dataDir: dir });
    expect(first.env.backends[0]?.host).toBe('127.0.0.1');
    await first.close();
    const second = await startSimCluster({ beCount: 1, dataDir: dir, advertiseHost: '127.0.0.2' });
    try {
      expect([second.env.frontends[0]?.host, second.env.backends[0]?.host]).toEqual(['127.0.0.2', '127.0.0.2']);
      expect(second.env.model.system.backends()[0]?.host).toBe('127.0.0.2');
    } finally {
      await second.close();
    }
  });

  it('saves to dataDir on close and loads it on the next start', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-cluster-'));
    dirs.push(dir);
    const first = await startSimCluster({ beCount: 1, dataDir: dir });
    first.env.model.ddl.createDatabase('kept');
    await first.close();
    const second = await startSimCluster({ beCount: 1, dataDir: dir });
    try {
      expect(second.env.model.catalog.database('kept')).toBeDefined();
      expect(second.env.model.system.backends()[0]?.bePort).toBe(second.backends[0]?.bePort);
    } finally {
      await second.close();
    }
  });
});
