import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { registerMetaStoreConformance } from '../../../test/support/meta-store-conformance.js';
import { mysqlTestTarget, uniqueDatabaseName } from '../../../test/support/mysql-url.js';
import type { CcrError } from '../../errors/ccr-error.js';
import { MetaStoreErrorCode } from '../meta-store.js';
import { openMysqlMetaStore } from './mysql-meta-store.js';

const signal = new AbortController().signal;
const target = mysqlTestTarget();
const created = new Set<string>();

async function admin(): Promise<mysql.Connection> {
  return mysql.createConnection({ ...target });
}

async function dropDatabase(name: string): Promise<void> {
  const conn = await admin();
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.end();
  created.delete(name);
}

function open(database: string, extra: Partial<Parameters<typeof openMysqlMetaStore>[0]> = {}) {
  created.add(database);
  return openMysqlMetaStore({ ...target, database, maxConnections: 4, connectTimeoutMs: 5000, ...extra }, signal);
}

afterAll(async () => {
  for (const name of [...created]) await dropDatabase(name);
});

registerMetaStoreConformance('mysql', async () => {
  const database = uniqueDatabaseName('ccr_test');
  return { store: await open(database), cleanup: () => dropDatabase(database) };
});

describe('MySQL meta store', () => {
  it('creates the database, stores progress base64-encoded like the Go syncer, and adopts a Go schema', async () => {
    const database = uniqueDatabaseName('ccr_test_go');
    const conn = await admin();
    await conn.query(`CREATE DATABASE \`${database}\``);
    await conn.query(`CREATE TABLE \`${database}\`.jobs (job_name VARCHAR(512) PRIMARY KEY, job_info TEXT, belong_to VARCHAR(96))`);
    await conn.query(`CREATE TABLE \`${database}\`.progresses (job_name VARCHAR(512) PRIMARY KEY, progress LONGTEXT)`);
    await conn.query(`CREATE TABLE \`${database}\`.syncers (host_info VARCHAR(96) PRIMARY KEY, timestamp BIGINT)`);
    await conn.query(`INSERT INTO \`${database}\`.jobs VALUES ('go_job', '{"name":"go_job"}', '127.0.0.1:9190')`);
    await conn.query(`INSERT INTO \`${database}\`.progresses VALUES ('go_job', ?)`, [Buffer.from('{"sync_state":501}').toString('base64')]);

    const store = await open(database);
    await store.migrate(signal);
    expect(await store.getJob('go_job', signal)).toEqual({ name: 'go_job', jobInfo: '{"name":"go_job"}', belongTo: '127.0.0.1:9190', epoch: 0n });
    expect(await store.getProgress('go_job', signal)).toBe('{"sync_state":501}');
    await store.updateProgress('go_job', '{"sync_state":0}', signal);
    const big = 'y'.repeat(100_000);
    await store.updateJob('go_job', big, signal);
    expect((await store.getJob('go_job', signal))?.jobInfo).toBe(big);
    await store.close();

    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT progress FROM \`${database}\`.progresses`);
    expect(rows[0]?.progress).toBe(Buffer.from('{"sync_state":0}').toString('base64'));
    const [types] = await conn.query<mysql.RowDataPacket[]>(
      "SELECT DATA_TYPE AS t FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = 'jobs' AND COLUMN_NAME = 'job_info'",
      [database],
    );
    expect(types[0]?.t).toBe('longtext');
    await conn.end();
  });

  it('lets several syncers migrate the same database at once', async () => {
    const database = uniqueDatabaseName('ccr_test_race');
    const stores = await Promise.all([open(database), open(database), open(database)]);
    await Promise.all(stores.map((s) => s.migrate(signal)));
    const conn = await admin();
    const [rows] = await conn.query<mysql.RowDataPacket[]>(`SELECT version FROM \`${database}\`.schema_migrations ORDER BY version`);
    expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);
    await conn.end();
    await Promise.all(stores.map((s) => s.close()));
  });

  it('heartbeats on a connection of their own: a pool busy with blocked writes does not delay them', async () => {
    const database = uniqueDatabaseName('ccr_test_hb');
    const store = await open(database, { maxConnections: 2 });
    await store.migrate(signal);
    expect(await store.registerSyncer({ hostInfo: 'hb:1', session: 's1', leaseMs: 60_000 }, signal)).toEqual({ kind: 'registered' });
    const conn = await admin();
    await conn.query(`LOCK TABLES \`${database}\`.progresses WRITE`);
    // Both pooled connections now wait on the lock.
    const writes = Promise.all([store.updateProgress('a', '{}', signal), store.updateProgress('b', '{}', signal)]);
    await new Promise((r) => setTimeout(r, 200));
    const beat = await Promise.race([store.heartbeat('hb:1', 's1', signal), new Promise((r) => setTimeout(() => r('timed out'), 2_000))]);
    await conn.query('UNLOCK TABLES');
    await writes;
    expect(beat).toBe(true);
    expect(await store.getProgress('b', signal)).toBe('{}');
    await conn.end();
    await store.close();
  });

  it('explains a wrong password without revealing it', async () => {
    const password = 'Wr0ng-P4ss-do-not-leak';
    const err = (await open(uniqueDatabaseName('ccr_test_auth'), { password }).catch((e: unknown) => e)) as CcrError;
    expect(err.code).toBe(MetaStoreErrorCode.UNAVAILABLE);
    expect(err.message).toContain('--db_password');
    expect(err.message).not.toContain(password);
    expect(JSON.stringify(err.details ?? {})).not.toContain(password);
  });

  it('explains a refused connection after bounded retries', async () => {
    const err = (await open(uniqueDatabaseName('ccr_test_refused'), {
      port: 1,
      retry: { attempts: 2, initialDelayMs: 5, maxDelayMs: 5 },
    }).catch((e: unknown) => e)) as CcrError;
    expect(err.code).toBe(MetaStoreErrorCode.UNAVAILABLE);
    expect(err.message).toContain('refused');
    expect(err.message).toContain('--db_port');
  });
});
