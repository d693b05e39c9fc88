import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { BinlogType, SnapshotType, StatusCode, type TGetSnapshotResult } from '../../doris/types.js';
import { parseJsonBig, stringifyJsonBig, type JsonBigValue } from '../../util/json-big.js';
import { createBinlogTable, ROOT, rowsOf, testCluster, waitFor, type TestCluster } from '../env.test-helpers.js';
import { col, tableDef, TestClock } from '../model/fixtures.js';
import { SHOW_BACKUP_COLUMNS } from './backup-manager.js';
import { SHOW_RESTORE_COLUMNS } from './restore-manager.js';

const signal = new AbortController().signal;

type Obj = { [k: string]: JsonBigValue };

function column(c: TestCluster, which: 'backup' | 'restore', db: string, label: string, name: string): string | undefined {
  const res = which === 'backup' ? c.env.backups.show(db, { op: '=', value: label }) : c.env.restores.show(db, { op: '=', value: label });
  const row = res.rows[res.rows.length - 1];
  return row?.[res.columns.indexOf(name)] ?? undefined;
}

async function backup(c: TestCluster, label: string, tables: { name: string; partitions?: string[] }[]): Promise<TGetSnapshotResult> {
  c.env.backups.start({ db: 'db', label, repo: '__keep_on_local__', mode: 'ON', tables, properties: { type: 'full' } });
  await waitFor(() => ['FINISHED', 'CANCELLED'].includes(column(c, 'backup', 'db', label, 'State') ?? ''), 5_000, 'backup');
  expect(column(c, 'backup', 'db', label, 'State')).toBe('FINISHED');
  const snap = await c.fe.getSnapshot({ ...ROOT, db: 'db', table: '', label_name: label, snapshot_name: '', snapshot_type: SnapshotType.LOCAL }, signal);
  expect(snap.status?.status_code).toBe(StatusCode.OK);
  return snap;
}

/** What the syncer does between getSnapshot and restoreSnapshot: splice extra_info into job_info. */
async function withExtraInfo(src: TestCluster, jobInfo: Buffer, token?: string): Promise<Buffer> {
  const info = parseJsonBig(jobInfo.toString('utf8')) as Obj;
  const masterToken = token ?? (await src.fe.getMasterToken({ user: ROOT.user, password: ROOT.passwd }, signal)).token ?? '';
  const backends = (await src.fe.getBackendMeta({ ...ROOT }, signal)).backends ?? [];
  const map: Obj = {};
  for (const b of backends) map[String(b.id)] = { ip: b.host, port: b.http_port };
  info['extra_info'] = { be_network_map: map, token: masterToken };
  return Buffer.from(stringifyJsonBig(info), 'utf8');
}

async function restore(
  src: TestCluster,
  dest: TestCluster,
  snap: TGetSnapshotResult,
  label: string,
  extra: Partial<Parameters<TestCluster['fe']['restoreSnapshot']>[0]> = {},
  token?: string,
): Promise<string> {
  if (!dest.env.model.catalog.database('db')) dest.env.model.ddl.createDatabase('db', { properties: { 'binlog.enable': 'true' } });
  const r = await dest.fe.restoreSnapshot(
    {
      ...ROOT,
      db: 'db',
      label_name: label,
      repo_name: '__keep_on_local__',
      properties: { reserve_replica: 'true' },
      meta: snap.meta,
      job_info: await withExtraInfo(src, snap.job_info ?? Buffer.alloc(0), token),
      ...extra,
    },
    signal,
  );
  expect(r.status).toEqual({ status_code: StatusCode.OK });
  return waitFor(() => {
    const state = column(dest, 'restore', 'db', label, 'State');
    return state === 'FINISHED' || state === 'CANCELLED' ? state : undefined;
  }, 10_000, 'restore');
}

function seed(c: TestCluster): void {
  createBinlogTable(c.env, 'db', 't');
  c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a'], [2, 'b'], [150, 'c']] });
  c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[3, 'd']] });
  c.env.model.ddl.createView('db', { name: 'v', query: 'SELECT `k` FROM `internal`.`db`.`t`', comment: '' });
}

describe('backup → getSnapshot → restoreSnapshot across clusters', () => {
  it('restores tables and views with the data downloaded from the source BEs', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snap1', [{ name: 't' }, { name: 'v' }]);
    const info = parseJsonBig(snap.job_info?.toString('utf8') ?? '') as Obj;
    const t = src.env.model.catalog.table('db', 't');
    const seqs = info['table_commit_seq_map'] as Obj;
    const barrier = src.env.model.binlogs.list(src.env.model.catalog.database('db')?.id ?? 0n, t?.id).filter((b) => b.type === BinlogType.BARRIER);
    expect(BigInt(seqs[String(t?.id)] as number)).toBe(barrier[0]?.commit_seq);
    expect(Object.keys(info)).toEqual([
      'name', 'database', 'id', 'backup_time', 'content', 'backup_objects', 'new_backup_objects', 'backup_result',
      'meta_version', 'major_version', 'minor_version', 'patch_version', 'tablet_be_map', 'tablet_snapshot_path_map', 'table_commit_seq_map',
    ]);
    expect((info['new_backup_objects'] as Obj)['views']).toEqual([{ id: Number(src.env.model.catalog.table('db', 'v')?.id), name: 'v' }]);
    expect(snap.expiredAt).toBeGreaterThan(BigInt(Date.now()));

    const state = await restore(src, dest, snap, 'snap1_r_1');
    expect(column(dest, 'restore', 'db', 'snap1_r_1', 'Status')).toBe('[OK]');
    expect(state).toBe('FINISHED');
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
    const restored = dest.env.model.catalog.table('db', 't');
    expect(restored?.kind === 'OLAP' && restored.isBeingSynced).toBe(true);
    expect(dest.env.model.catalog.table('db', 'v')?.kind).toBe('VIEW');
    const destDb = dest.env.model.catalog.database('db')?.id ?? 0n;
    expect(dest.env.model.binlogs.list(destDb).some((b) => b.type === BinlogType.CREATE_TABLE)).toBe(false);
    // The restored partitions keep the backed-up versions, so later upserts line up.
    const srcVersions = [...((src.env.model.catalog.table('db', 't') as { partitions: Map<bigint, { name: string; visibleVersion: bigint }> }).partitions.values())].map((p) => [p.name, p.visibleVersion]);
    const destVersions = [...((restored as { partitions: Map<bigint, { name: string; visibleVersion: bigint }> }).partitions.values())].map((p) => [p.name, p.visibleVersion]);
    expect(destVersions).toEqual(srcVersions);
  });

  it('gzips meta and job_info on request and accepts them back compressed', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    await backup(src, 'snapz', [{ name: 't' }]);
    const snap = await src.fe.getSnapshot({ ...ROOT, db: 'db', label_name: 'snapz', snapshot_name: '', snapshot_type: SnapshotType.LOCAL, enable_compress: true }, signal);
    expect(snap.compressed).toBe(true);
    const plain = { ...snap, meta: gunzipSync(snap.meta ?? Buffer.alloc(0)), job_info: gunzipSync(snap.job_info ?? Buffer.alloc(0)) };
    const jobInfo = await withExtraInfo(src, plain.job_info);
    if (!dest.env.model.catalog.database('db')) dest.env.model.ddl.createDatabase('db');
    const { gzipSync } = await import('node:zlib');
    const r = await dest.fe.restoreSnapshot(
      { ...ROOT, db: 'db', label_name: 'z_r', repo_name: '__keep_on_local__', properties: { reserve_replica: 'true' }, meta: snap.meta, job_info: gzipSync(jobInfo), compressed: true },
      signal,
    );
    expect(r.status?.status_code).toBe(StatusCode.OK);
    await waitFor(() => column(dest, 'restore', 'db', 'z_r', 'State') === 'FINISHED', 10_000, 'restore');
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
  });

  it('restores under an alias given by table_refs', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snap2', [{ name: 't' }]);
    expect(await restore(src, dest, snap, 'snap2_r', { table_refs: [{ table: 't', alias_name: '__ccr_t_1' }] })).toBe('FINISHED');
    expect(dest.env.model.catalog.table('db', 't')).toBeUndefined();
    expect(rowsOf(dest.env, 'db', '__ccr_t_1')).toEqual(rowsOf(src.env, 'db', 't'));
    const alias = dest.env.model.catalog.table('db', '__ccr_t_1');
    expect(alias?.kind === 'OLAP' && alias.indexes.get(alias.baseIndexId)?.name).toBe('__ccr_t_1');
  });

  it('cancels on a table with a different schema unless force_replace', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snap3', [{ name: 't' }]);
    dest.env.model.ddl.createDatabase('db', { properties: { 'binlog.enable': 'true' } });
    dest.env.model.ddl.createTable('db', {
      ...tableDef({ name: 't', keys: [col('k', 'INT')], values: [col('other', 'BIGINT')], properties: { replication_num: '1', 'binlog.enable': 'true' } }),
    });
    dest.env.model.loads.load('db', 't', { kind: 'rows', rows: [[9, 9]] });
    expect(await restore(src, dest, snap, 'snap3_r')).toBe('CANCELLED');
    expect(column(dest, 'restore', 'db', 'snap3_r', 'Status')).toBe('[COMMON_ERROR, msg: Table t already exist but with different schema]');
    expect(dest.env.model.scan('db', 't').rows).toEqual([[9, 9n]]);
    expect(await restore(src, dest, snap, 'snap3_r2', { force_replace: true })).toBe('FINISHED');
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
    expect(dest.env.model.catalog.table('db', 't')?.kind === 'OLAP' && (dest.env.model.catalog.table('db', 't') as { columns: { name: string }[] }).columns.map((c) => c.name)).toEqual(['k', 'v']);
  });

  it('restores a same-schema table in place, or atomically through a shadow table that keeps the original readable', async () => {
    const src = await testCluster();
    const dest = await testCluster({ manual: true });
    seed(src);
    const snap = await backup(src, 'snap4', [{ name: 't' }]);
    createBinlogTable(dest.env, 'db', 't');
    dest.env.model.loads.load('db', 't', { kind: 'rows', rows: [[7, 'old']] });
    const originalId = dest.env.model.catalog.table('db', 't')?.id;
    const submit = async (label: string, atomic: boolean): Promise<void> => {
      const r = await dest.fe.restoreSnapshot(
        { ...ROOT, db: 'db', label_name: label, repo_name: '__keep_on_local__', properties: { reserve_replica: 'true' }, meta: snap.meta, job_info: await withExtraInfo(src, snap.job_info ?? Buffer.alloc(0)), atomic_restore: atomic },
        signal,
      );
      expect(r.status?.status_code).toBe(StatusCode.OK);
    };
    const run = async (label: string): Promise<string[]> => {
      const seen: string[] = [];
      for (let i = 0; i < 50 && column(dest, 'restore', 'db', label, 'State') !== 'FINISHED'; i++) {
        dest.env.step();
        const state = column(dest, 'restore', 'db', label, 'State') ?? '';
        if (!seen.includes(state)) seen.push(state);
        // While the data downloads, the original table is still there and readable.
        if (state === 'DOWNLOADING') expect(dest.env.model.scan('db', 't').rows.length).toBeGreaterThan(0);
        await dest.env.settle();
      }
      return seen;
    };
    await submit('atomic_r', true);
    dest.env.step();
    expect(dest.env.model.catalog.table('db', '__doris_atomic_restore_prefix__t')).toBeDefined();
    expect(await run('atomic_r')).toEqual(['DOWNLOAD', 'DOWNLOADING', 'COMMIT', 'COMMITTING', 'FINISHED']);
    expect(column(dest, 'restore', 'db', 'atomic_r', 'State')).toBe('FINISHED');
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
    expect(dest.env.model.catalog.table('db', 't')?.id).not.toBe(originalId);
    expect(dest.env.model.catalog.table('db', '__doris_atomic_restore_prefix__t')).toBeUndefined();

    dest.env.model.loads.load('db', 't', { kind: 'rows', rows: [[8, 'later']] });
    const atomicId = dest.env.model.catalog.table('db', 't')?.id;
    await submit('inplace_r', false);
    await run('inplace_r');
    expect(column(dest, 'restore', 'db', 'inplace_r', 'State')).toBe('FINISHED');
    expect(dest.env.model.catalog.table('db', 't')?.id).toBe(atomicId);
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
  });

  it('cancels a restore whose source token is wrong, and rejects a job_info without extra_info', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snap5', [{ name: 't' }]);
    expect(await restore(src, dest, snap, 'snap5_r', {}, 'not-the-token')).toBe('CANCELLED');
    expect(column(dest, 'restore', 'db', 'snap5_r', 'Status')).toMatch(/^\[COMMON_ERROR, msg: download snapshot failed: can't find hdr file/);
    expect(dest.env.model.catalog.table('db', 't')).toBeUndefined();
    const noExtra = await dest.fe.restoreSnapshot(
      { ...ROOT, db: 'db', label_name: 'snap5_r2', repo_name: '__keep_on_local__', properties: { reserve_replica: 'true' }, meta: snap.meta, job_info: snap.job_info },
      signal,
    );
    expect(noExtra.status?.status_code).toBe(StatusCode.ANALYSIS_ERROR);
    expect(noExtra.status?.error_msgs?.[0]).toMatch(/^errCode = 2, detailMessage = Invalid job extra info empty, stmt: RESTORE SNAPSHOT `db`.`snap5_r2`/);
    const badJson = await dest.fe.restoreSnapshot(
      { ...ROOT, db: 'db', label_name: 'snap5_r3', repo_name: '__keep_on_local__', meta: snap.meta, job_info: Buffer.from('{not json') },
      signal,
    );
    expect(badJson.status?.status_code).toBe(StatusCode.INTERNAL_ERROR);
  });

  it('cleans tables not in the snapshot with clean_tables', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snap6', [{ name: 't' }]);
    createBinlogTable(dest.env, 'db', 'stray');
    expect(await restore(src, dest, snap, 'snap6_r', { clean_tables: true })).toBe('FINISHED');
    expect(dest.env.model.catalog.table('db', 'stray')).toBeUndefined();
    expect(rowsOf(dest.env, 'db', 't')).toEqual(rowsOf(src.env, 'db', 't'));
  });
});

describe('restoring rollups and partial backups', () => {
  it('restores every index of the backed-up partitions', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    createBinlogTable(src.env, 'db', 't', { rollups: [{ name: 'r_k', columns: ['k'] }] });
    src.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a'], [1, 'b'], [120, 'c']] });
    const snap = await backup(src, 'snapRoll', [{ name: 't', partitions: ['p1'] }]);
    expect(await restore(src, dest, snap, 'snapRoll_r')).toBe('FINISHED');
    const restored = dest.env.model.catalog.table('db', 't');
    expect(restored?.kind === 'OLAP' && [...restored.partitions.values()].map((p) => p.name)).toEqual(['p1']);
    expect(dest.env.model.scan('db', 't', { index: 'r_k' }).rows).toEqual(src.env.model.scan('db', 't', { index: 'r_k', partitions: ['p1'] }).rows);
    expect(rowsOf(dest.env, 'db', 't')).toHaveLength(2);
  });
});

describe('backup jobs, SHOW BACKUP and SHOW RESTORE', () => {
  it('walks the backup states, shows Doris columns, runs one job per database and expires the snapshot', async () => {
    const clock = new TestClock(Date.now());
    const c = await testCluster({ manual: true, clock: clock.now });
    seed(c);
    const job = c.env.backups.start({ db: 'db', label: 'snapA', repo: '__keep_on_local__', mode: 'ON', tables: [{ name: 't', partitions: ['p1'] }], properties: { timeout: '60' } });
    expect(() => c.env.backups.start({ db: 'db', label: 'snapB', repo: '__keep_on_local__', tables: [], properties: {} })).toThrow(
      `Can only run one backup or restore job of a database at same time , current running: label = snapA jobId = ${job.jobId}, to run label = snapB`,
    );
    const states: string[] = [];
    for (let i = 0; i < 8; i++) {
      states.push(column(c, 'backup', 'db', 'snapA', 'State') ?? '');
      c.env.step();
    }
    expect([...new Set(states)]).toEqual(['PENDING', 'SNAPSHOTING', 'UPLOAD_SNAPSHOT', 'UPLOADING', 'SAVE_META', 'UPLOAD_INFO', 'FINISHED']);
    const shown = c.env.backups.show('db');
    expect(shown.columns).toEqual(SHOW_BACKUP_COLUMNS);
    const row = shown.rows[0] ?? [];
    expect(row[1]).toBe('snapA');
    expect(row[4]).toBe('[`db`.`t` PARTITIONS (p1)]');
    expect(row[12]).toBe('[OK]');
    expect(row[13]).toBe('60');
    const info = parseJsonBig(c.env.backups.getSnapshot('snapA')?.jobInfo.toString('utf8') ?? '{}') as Obj;
    expect(Object.keys(((info['backup_objects'] as Obj)['t'] as Obj)['partitions'] as Obj)).toEqual(['p1']);
    clock.advance(61_000);
    const expired = await c.fe.getSnapshot({ ...ROOT, db: 'db', label_name: 'snapA', snapshot_name: '', snapshot_type: SnapshotType.LOCAL }, signal);
    expect(expired.status).toEqual({ status_code: 75, error_msgs: ['snapshot snapA is expired'] });
  });

  it('rejects unknown repositories, tables, partitions and properties; cancels a running backup', async () => {
    const c = await testCluster({ manual: true });
    seed(c);
    const start = (over: Partial<Parameters<TestCluster['env']['backups']['start']>[0]>): void => {
      c.env.backups.start({ db: 'db', label: 'x', repo: '__keep_on_local__', mode: 'ON', tables: [{ name: 't' }], properties: {}, ...over });
    };
    expect(() => start({ repo: 'repo1' })).toThrow('Repository repo1 does not exist');
    expect(() => start({ tables: [{ name: 'nope' }] })).toThrow("Unknown table 'nope'");
    expect(() => start({ tables: [{ name: 't', partitions: ['p9'] }] })).toThrow('Unknown partition p9 in tablet');
    expect(() => start({ properties: { colour: 'red' } })).toThrow('Unknown backup job properties: [colour]');
    expect(() => start({ label: 'bad label' })).toThrow(/Label format error/);
    expect(() => c.env.backups.cancel('db')).toThrow('No backup job is currently running');
    start({});
    c.env.backups.cancel('db');
    expect(column(c, 'backup', 'db', 'x', 'State')).toBe('CANCELLED');
    expect(column(c, 'backup', 'db', 'x', 'Status')).toBe('[COMMON_ERROR, msg: user cancelled]');
    expect(() => c.env.backups.cancel('db')).toThrow('Failed to cancel job: Job with label x can not be cancelled. state: CANCELLED');
    expect(() => c.env.restores.cancel('db')).toThrow('No restore is currently running');
    expect(() => c.env.restores.restoreStatement('__keep_on_local__')).toThrow('restore from the local repo via SQL call is not supported');
  });

  it('shows restore rows with Doris columns and an integer ReplicationNum', async () => {
    const src = await testCluster();
    const dest = await testCluster();
    seed(src);
    const snap = await backup(src, 'snapR', [{ name: 't' }]);
    await restore(src, dest, snap, 'snapR_r');
    const res = dest.env.restores.show('db', { op: 'LIKE', value: 'snapR%' });
    expect(res.columns).toEqual(SHOW_RESTORE_COLUMNS);
    const row = res.rows[0] ?? [];
    const get = (name: string): string | null | undefined => row[res.columns.indexOf(name)];
    expect(get('Label')).toBe('snapR_r');
    expect(get('State')).toBe('FINISHED');
    expect(get('ReplicationNum')).toMatch(/^\d+$/);
    expect(get('ReserveReplica')).toBe('true');
    expect(get('Timestamp')).toMatch(/^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    expect(JSON.parse(get('RestoreObjs') ?? '{}')).toMatchObject({ name: 'snapR', database: 'db', olap_table_list: [{ name: 't', partition_names: ['p1', 'p2'] }] });
    expect(dest.env.restores.show('db', undefined, true).columns).not.toContain('RestoreObjs');
  });
});
