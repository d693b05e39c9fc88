import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { registerMetaStoreConformance } from '../../../test/support/meta-store-conformance.js';
import { CcrError } from '../../errors/ccr-error.js';
import { MetaStoreErrorCode } from '../meta-store.js';
import { openSqliteMetaStore } from './sqlite-meta-store.js';

const signal = new AbortController().signal;

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'ccr-sqlite-'));
}

registerMetaStoreConformance('sqlite', async () => {
  const dir = tempDir();
  return { store: openSqliteMetaStore({ path: join(dir, 'ccr.db') }), cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

describe('SQLite meta store', () => {
  it('creates the parent directory and uses WAL', async () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'deeper', 'ccr.db');
    const store = openSqliteMetaStore({ path });
    await store.migrate(signal);
    await store.close();
    expect(existsSync(path)).toBe(true);
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('adopts a Go syncer database and stores progress as raw JSON', async () => {
    const dir = tempDir();
    const path = join(dir, 'ccr.db');
    const go = new Database(path);
    go.exec('CREATE TABLE jobs (job_name TEXT PRIMARY KEY, job_info TEXT, belong_to TEXT)');
    go.exec('CREATE TABLE progresses (job_name TEXT PRIMARY KEY, progress TEXT)');
    go.exec('CREATE TABLE syncers (host_info TEXT PRIMARY KEY, timestamp INTEGER)');
    go.prepare('INSERT INTO jobs VALUES (?, ?, ?)').run('go_job', '{"name":"go_job"}', '127.0.0.1:9190');
    go.prepare('INSERT INTO progresses VALUES (?, ?)').run('go_job', '{"sync_state":501}');
    go.close();

    const store = openSqliteMetaStore({ path });
    await store.migrate(signal);
    expect(await store.getJob('go_job', signal)).toEqual({ name: 'go_job', jobInfo: '{"name":"go_job"}', belongTo: '127.0.0.1:9190', epoch: 0n });
    expect(await store.getProgress('go_job', signal)).toBe('{"sync_state":501}');
    await store.updateProgress('go_job', '{"sync_state":0}', signal);
    await store.close();

    const raw = new Database(path);
    expect(raw.prepare('SELECT progress FROM progresses').pluck().get()).toBe('{"sync_state":0}');
    expect(raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3, 4]);
    raw.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a schema newer than this build', async () => {
    const dir = tempDir();
    const path = join(dir, 'ccr.db');
    const store = openSqliteMetaStore({ path });
    await store.migrate(signal);
    const raw = new Database(path);
    raw.prepare('INSERT INTO schema_migrations VALUES (99, ?, 0)').run('future');
    raw.close();
    const err = await store.migrate(signal).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CcrError);
    expect((err as CcrError).code).toBe(MetaStoreErrorCode.SCHEMA);
    expect((err as Error).message).toContain('upgrade the syncer');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives up on a locked database after bounded retries instead of spinning', async () => {
    const dir = tempDir();
    const path = join(dir, 'ccr.db');
    const store = openSqliteMetaStore({ path, busyTimeoutMs: 10, retry: { attempts: 3, initialDelayMs: 5, maxDelayMs: 10 } });
    await store.migrate(signal);
    await store.addJob('j', '{}', 'me:1', signal);
    const holder = new Database(path);
    holder.exec('BEGIN EXCLUSIVE');
    const started = Date.now();
    const err = await store.updateProgress('j', '{}', signal).catch((e: unknown) => e);
    expect((err as CcrError).code).toBe(MetaStoreErrorCode.UNAVAILABLE);
    expect((err as Error).message).toContain('after 3 attempts');
    expect(Date.now() - started).toBeLessThan(5000);
    holder.exec('ROLLBACK');
    holder.close();
    await store.updateProgress('j', '{"ok":1}', signal);
    expect(await store.getProgress('j', signal)).toBe('{"ok":1}');
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains a file it cannot open', () => {
    const dir = tempDir();
    const notADir = join(dir, 'file');
    writeFileSync(notADir, 'x');
    expect(() => openSqliteMetaStore({ path: join(notADir, 'ccr.db') })).toThrow(/cannot open the SQLite meta store .*--db_dir/);
    rmSync(dir, { recursive: true, force: true });
  });
});
