// FE master changes on either cluster (two FEs each) while a loader runs. A switch is followed
// through NOT_MASTER's master_address; an election (no master known) is waited out with
// retries, visible in job_status. Neither is ever a reason for a full sync — the Go syncer's
// apache/doris#63269 turned a source master switch into one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { startRowLoader, type RowLoader } from '../support/row-loader.js';
import type { SimProcess } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultms';
const JOB = 'fault_ms';

describe('FE master switch and election', () => {
  let env: CcrEnv;
  let nextKey = 1;
  let fullSyncsStarted = 0;
  beforeAll(async () => {
    env = await startCcrEnv({ sim: { feCount: 2 } });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 20);
    await env.createJob(JOB, { srcDb: DB, srcTable: 't' });
    await env.waitCaughtUp(JOB);
    fullSyncsStarted = await env.metric('ccr_full_syncs_total', { job: JOB });
  }, 60_000);
  afterAll(async () => env?.close());

  function loader(): RowLoader {
    const l = startRowLoader(env.src, DB, 't', { firstKey: nextKey, pauseMs: 10 });
    nextKey += 100_000;
    return l;
  }

  const master = async (sim: SimProcess): Promise<string | null> => (await sim.state()).faults.master;

  async function expectConverged(): Promise<void> {
    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
    expect(await env.metric('ccr_full_syncs_total', { job: JOB }), 'ccr_full_syncs_total').toBe(fullSyncsStarted);
  }

  for (const side of ['source', 'destination'] as const) {
    it(`${side} master switch under load: followed through NOT_MASTER, no full sync`, async () => {
      const sim = side === 'source' ? env.src : env.dest;
      const before = await master(sim);
      const l = loader();
      try {
        await l.waitRows(30);
        await sim.fault({ action: 'switchMaster' });
        const now = await master(sim);
        expect(now).not.toBe(before);
        await l.waitRows(l.rows + 60);
        // The syncer found the new master through the redirect (its rpc port).
        const rpcPort = (await sim.state()).frontends.find((f) => f.name === now)?.rpcPort;
        await env.syncer.waitForLog((line) => line.msg === 'frontend master changed' && line.master === `127.0.0.1:${rpcPort}`, 'the new master', 10_000);
      } finally {
        await l.stop();
      }
      await expectConverged();
    });

    it(`${side} election (no master known for a while): retried with the error visible, no full sync`, async () => {
      const sim = side === 'source' ? env.src : env.dest;
      const l = loader();
      try {
        await l.waitRows(10);
        await sim.fault({ action: 'clearMaster' });
        const status = await waitFor(async () => {
          const s = await env.status(JOB);
          return s.last_error !== null && s;
        }, 'the job to report the missing master', 10_000);
        expect(status.last_error).toMatchObject({ message: expect.stringContaining('NOT_MASTER') as unknown, retry_at: expect.any(String) as unknown });
        await sim.fault({ action: 'switchMaster' });
        await l.waitRows(l.rows + 30);
      } finally {
        await l.stop();
      }
      await expectConverged();
      expect((await env.status(JOB)).last_error).toBeNull();
    });
  }
});
