// startSimCluster in-process: every node's ports, SQL through the real MySQL port, the BE
// stop/restart fault reopening the same ports, and --data-dir style persistence.
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimCluster } from './cluster.js';

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
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
