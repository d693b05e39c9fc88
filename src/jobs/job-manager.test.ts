import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEST_PASSWORD, SRC_PASSWORD, tableJobRequest } from '../../test/support/job-requests.js';
import { TestEngine } from '../../test/support/test-engine.js';
import { waitFor } from '../../test/support/wait.js';
import { CcrError } from '../errors/ccr-error.js';
import type { MetaStore } from '../meta-store/meta-store.js';
import { openSqliteMetaStore } from '../meta-store/sqlite/sqlite-meta-store.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { JobErrorCode } from './job-errors.js';
import { JobManager } from './job-manager.js';
import { decodeJobInfo, encodeJobInfo, newJobSpec } from './job-spec.js';
import { createPasswordCipher } from './password-cipher.js';

const ME = '127.0.0.1:9190';
const signal = new AbortController().signal;
const plain = createPasswordCipher('');

describe('JobManager', () => {
  let store: MetaStore;
  let engine: TestEngine;
  let manager: JobManager;

  let metrics = createMetrics({ processMetrics: false });

  function newManager(cipher = plain, identity = ME): JobManager {
    metrics = createMetrics({ processMetrics: false });
    return new JobManager({ store, engine, identity, cipher, log: silentLogger(), metrics });
  }

  async function storedInfo(name: string) {
    const row = await store.getJob(name, signal);
    if (!row) throw new Error(`no row for ${name}`);
    return JSON.parse(row.jobInfo) as Record<string, unknown>;
  }

  async function prevSeq(name: string): Promise<number | undefined> {
    const p = await store.getProgress(name, signal);
    return p === undefined ? undefined : (JSON.parse(p) as { prev_commit_seq: number }).prev_commit_seq;
  }

  beforeEach(async () => {
    store = openSqliteMetaStore({ path: ':memory:' });
    await store.migrate(signal);
    engine = new TestEngine({ idleMs: 20 });
    manager = newManager();
    await manager.start(signal);
  });

  afterEach(async () => {
    await manager.stop();
    await store.close();
  });

  it('creates a job: engine checks, persists Go-compatible job_info owned by this syncer, starts it', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    const row = await store.getJob('j1', signal);
    expect(row?.belongTo).toBe(ME);
    const info = await storedInfo('j1');
    expect(info).toMatchObject({ name: 'j1', sync_type: 1, state: 0, src: { port: '9030', thrift_port: '9020' } });
    expect(row?.jobInfo).toContain('"db_id":10000000000000001');
    engine.produce('j1', 3);
    await waitFor(async () => (await prevSeq('j1')) === 3, 'progress 3');
    expect(manager.status('j1')).toMatchObject({ state: 'running', syncState: 'TableIncrementalSync', prevCommitSeq: 3n });
  });

  it('persists nothing when the engine rejects the job', async () => {
    engine.prepareError = new CcrError('CCR_X', 'source table t1 has binlog disabled', { category: 'input', disposition: 'abort' });
    await expect(manager.create(tableJobRequest('j1'), signal)).rejects.toThrow('binlog disabled');
    expect(await store.getJob('j1', signal)).toBeUndefined();
    await expect(manager.locate('j1', signal)).rejects.toMatchObject({ code: JobErrorCode.NOT_FOUND });
  });

  it('rejects a duplicate name, also while the first create is still checking', async () => {
    let release!: () => void;
    engine.prepareGate = new Promise((r) => (release = r));
    const first = manager.create(tableJobRequest('j1'), signal);
    await expect(manager.create(tableJobRequest('j1'), signal)).rejects.toMatchObject({ code: JobErrorCode.BUSY });
    release();
    await first;
    await expect(manager.create(tableJobRequest('j1'), signal)).rejects.toMatchObject({ code: JobErrorCode.ALREADY_EXISTS });
    expect(engine.prepared).toHaveLength(1);
  });

  it('pauses (persist first, then stop) and resumes from the checkpoint', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    engine.produce('j1', 2);
    await waitFor(async () => (await prevSeq('j1')) === 2, 'progress 2');
    await manager.pause('j1', signal);
    expect((await storedInfo('j1')).state).toBe(1);
    expect(manager.status('j1').state).toBe('paused');
    engine.produce('j1', 5);
    await manager.pause('j1', signal);
    // A paused job does not advance.
    await new Promise((r) => setTimeout(r, 60));
    expect(await prevSeq('j1')).toBe(2);
    await manager.resume('j1', signal);
    expect((await storedInfo('j1')).state).toBe(0);
    await waitFor(async () => (await prevSeq('j1')) === 7, 'progress 7 after resume');
    expect(engine.runners.get('j1')?.runs).toBe(2);
  });

  it('deletes a job: stops its runner and removes job and progress', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    engine.produce('j1');
    await waitFor(async () => (await prevSeq('j1')) === 1, 'progress 1');
    await manager.remove('j1', signal);
    expect(await store.getJob('j1', signal)).toBeUndefined();
    expect(await store.getProgress('j1', signal)).toBeUndefined();
    expect(() => manager.status('j1')).toThrow(/not exist/);
    engine.produce('j1');
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.getProgress('j1', signal)).toBeUndefined();
  });

  it('loads only its own jobs at start and runs only the running ones', async () => {
    const mk = (name: string, state: 'running' | 'paused') => encodeJobInfo({ ...newJobSpec(tableJobRequest(name)), state }, plain);
    await store.addJob('mine_running', mk('mine_running', 'running'), ME, signal);
    await store.addJob('mine_paused', mk('mine_paused', 'paused'), ME, signal);
    await store.addJob('theirs', mk('theirs', 'running'), 'other:9190', signal);
    await store.updateProgress('mine_running', JSON.stringify({ job_name: 'mine_running', sync_state: 501, sub_sync_state: { state: -1, binlog_type: -1 }, prev_commit_seq: 4, commit_seq: 4 }), signal);
    const second = newManager();
    engine.produce('mine_running', 6);
    await second.start(signal);
    await waitFor(async () => (await prevSeq('mine_running')) === 6, 'resumed from seq 4 to 6');
    expect(second.status('mine_paused').state).toBe('paused');
    expect(engine.runners.get('mine_paused')?.runs).toBe(0);
    expect(() => second.status('theirs')).toThrow(/not exist/);
    expect(await second.locate('theirs', signal)).toEqual({ kind: 'remote', owner: 'other:9190' });
    await second.stop();
  });

  it('persists a pause the runner asks for, with the reason', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    const runner = engine.runners.get('j1');
    if (!runner) throw new Error('no runner');
    runner.pauseReason = 'destination table dropped by hand; recreate it or force a full sync';
    runner.wake();
    await waitFor(async () => (await storedInfo('j1')).state === 1, 'paused state persisted');
    expect((await storedInfo('j1')).paused_reason).toBe('destination table dropped by hand; recreate it or force a full sync');
    expect(manager.status('j1').state).toBe('paused');
    expect(manager.status('j1').pausedReason).toContain('dropped');
    await manager.resume('j1', signal);
    expect((await storedInfo('j1')).paused_reason).toBeUndefined();
  });

  it('pauses a job whose runner crashes instead of retrying it in silence', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    const runner = engine.runners.get('j1');
    if (!runner) throw new Error('no runner');
    runner.crash = new Error('boom');
    runner.wake();
    await waitFor(async () => (await storedInfo('j1')).state === 1, 'paused after crash');
    expect(manager.status('j1').pausedReason).toBe('job runner failed: boom');
    expect(await metrics.registry.getSingleMetricAsString('ccr_errors_total')).toContain('ccr_errors_total{job="j1",category="internal",code="CCR_I0000"} 1');
  });

  it('hands skip intents to the runner, which clears them once applied', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    await manager.skipBinlog('j1', { by: 'fullsync' }, signal);
    await waitFor(() => manager.status('j1').syncState === 'TableFullSync', 'full sync started');
    await waitFor(async () => (await storedInfo('j1')).extra !== undefined && !('skip_by' in ((await storedInfo('j1')).extra as object)), 'skip cleared');
    await manager.skipBinlog('j1', { by: 'silence', commitSeq: 9_007_199_254_740_993n }, signal);
    expect((await store.getJob('j1', signal))?.jobInfo).toContain('"skip_commit_seq":9007199254740993');
    expect(engine.runners.get('j1')?.intents.at(-1)?.spec.skip).toEqual({ by: 'silence', commitSeq: 9_007_199_254_740_993n });
  });

  it('merges host mappings and deletes entries with an empty public address', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    await manager.updateHostMapping('j1', { '172.0.0.1': '10.0.0.1', '172.0.0.2': '10.0.0.2' }, {}, signal);
    await manager.updateHostMapping('j1', { '172.0.0.2': '' }, { '172.1.0.1': '10.1.0.1' }, signal);
    const info = await storedInfo('j1');
    expect((info.src as { host_mapping: unknown }).host_mapping).toEqual({ '172.0.0.1': '10.0.0.1' });
    expect((info.dest as { host_mapping: unknown }).host_mapping).toEqual({ '172.1.0.1': '10.1.0.1' });
  });

  it('stops running a job another syncer took over (fenced write)', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    await store.transferJob('j1', 'other:9190', signal);
    engine.produce('j1');
    await waitFor(() => {
      try {
        manager.status('j1');
        return false;
      } catch {
        return true;
      }
    }, 'job unloaded after fencing');
    expect(await store.getProgress('j1', signal)).toBeUndefined();
  });

  it('stores passwords encrypted with a secret key and reports jobs it cannot decrypt', async () => {
    const keyed = newManager(createPasswordCipher('0123456789abcdef-secret'));
    await keyed.create(tableJobRequest('enc'), signal);
    const raw = (await store.getJob('enc', signal))?.jobInfo ?? '';
    expect(raw).not.toContain(SRC_PASSWORD);
    expect(raw).not.toContain(DEST_PASSWORD);
    expect(raw).toContain('enc:v1:');
    expect(decodeJobInfo(raw, createPasswordCipher('0123456789abcdef-secret'), 'enc').src.password).toBe(SRC_PASSWORD);
    await keyed.stop();

    const keyless = newManager();
    await keyless.start(signal);
    const status = keyless.status('enc');
    expect(status.state).toBe('broken');
    expect(status.lastError?.message).toContain('--secret_key');
    await expect(keyless.resume('enc', signal)).rejects.toThrow(/--secret_key/);
    await keyless.remove('enc', signal);
    expect(await store.getJob('enc', signal)).toBeUndefined();
    await keyless.stop();
  });

  it('waits for runners to reach their step boundary on stop, once', async () => {
    await manager.create(tableJobRequest('j1'), signal);
    await waitFor(() => engine.runners.get('j1')?.runs === 1, 'runner started');
    engine.stopDelayMs = 100;
    const started = Date.now();
    const first = manager.stop();
    expect(manager.stop()).toBe(first);
    await first;
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    await expect(manager.create(tableJobRequest('j2'), signal)).rejects.toMatchObject({ code: JobErrorCode.SHUTTING_DOWN });
  });
});
