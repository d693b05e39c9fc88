// commitTxn on the destination failing every way it can: an error status (rolled back and
// retried, the error visible meanwhile), a connection dropped before the FE saw it, one
// dropped after the FE committed (outcome unknown → resolved by the transaction's status), and
// a reply slower than commit_txn_timeout. A load is applied exactly once in every case.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultcommit';
const JOB = 'fault_commit';

describe('commitTxn failures on the destination', () => {
  let env: CcrEnv;
  let key = 1;
  beforeAll(async () => {
    env = await startCcrEnv({ syncerArgs: ['--commit_txn_timeout', '1s'] });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 10);
    await env.createJob(JOB, { srcDb: DB, srcTable: 't' });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterEach(async () => env.dest.fault({ action: 'clear' }));
  afterAll(async () => env?.close());

  async function loadRows(n: number): Promise<void> {
    const values = Array.from({ length: n }, () => `(${key++}, 'row')`).join(', ');
    await env.src.query(`INSERT INTO ${DB}.t VALUES ${values}`);
  }

  async function expectAppliedOnce(): Promise<void> {
    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
  }

  it('an error status: rolled back, retried with backoff, the error visible meanwhile', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', count: 3, status: { code: 6, message: 'injected commit failure' } });
    await loadRows(3);
    const failing = await waitFor(async () => {
      const s = await env.status(JOB);
      return s.last_error !== null && s;
    }, 'the commit failure in job_status', 10_000);
    expect(failing.last_error).toMatchObject({
      code: 'CCR_F0006',
      message: expect.stringContaining('injected commit failure') as unknown,
      at: expect.any(String) as unknown,
      retry_at: expect.any(String) as unknown,
    });
    await expectAppliedOnce();
    expect((await env.status(JOB)).last_error).toBeNull();
  });

  it('the connection dropped before the FE saw the commit: begun again under the same label', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', drop: true });
    await loadRows(3);
    await expectAppliedOnce();
  });

  it('the connection dropped after the FE committed: resolved by the transaction status, not committed twice', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', drop: true, after: true, count: 2 });
    await loadRows(3);
    await loadRows(3);
    await expectAppliedOnce();
  });

  it('a reply slower than commit_txn_timeout: the late commit and the retry do not both apply', async () => {
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', delayMs: 1500 });
    await loadRows(3);
    await env.dest.fault({ action: 'fail', service: 'fe', method: 'commitTxn', delayMs: 1500, after: true });
    await loadRows(3);
    await expectAppliedOnce();
  });
});
