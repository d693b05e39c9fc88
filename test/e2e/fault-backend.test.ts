// A BE down on either cluster: ingests fail (the destination BE cannot be reached, or it
// cannot download the rowset from the source BE), the job retries with backoff and shows the
// error and the next retry time in job_status, and once the BE is back it catches up — no
// full sync, no duplicate.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import type { SimProcess } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultbe';
const JOB = 'fault_be';

describe('a backend down', () => {
  let env: CcrEnv;
  let key = 1;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 10);
    await env.createJob(JOB, { srcDb: DB, srcTable: 't' });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterAll(async () => env?.close());

  /** Rows for every bucket, so each BE holds part of the load on both clusters. */
  async function load(): Promise<void> {
    const values = Array.from({ length: 12 }, () => `(${key++}, 'row')`).join(', ');
    await env.src.query(`INSERT INTO ${DB}.t VALUES ${values}`);
  }

  /** Waits for the failure in job_status; checks it names the error and a future retry. */
  async function expectVisibleRetry(): Promise<Record<string, unknown>> {
    const s = await waitFor(async () => {
      const st = await env.status(JOB);
      return st.last_error !== null && st;
    }, 'the failure in job_status', 10_000);
    const err = s.last_error as { code: string; message: string; at: string; retry_at: string };
    expect(err.message).not.toBe('');
    expect(Date.parse(err.retry_at)).toBeGreaterThanOrEqual(Date.parse(err.at));
    expect(s.state).toBe('running');
    return err;
  }

  async function expectRecovered(): Promise<void> {
    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
    expect((await env.status(JOB)).last_error).toBeNull();
  }

  async function withBackendDown(sim: SimProcess, during: () => Promise<void>): Promise<void> {
    const id = sim.ready.bes[1]?.id ?? '';
    await sim.fault({ action: 'stopBackend', id });
    try {
      await during();
    } finally {
      await sim.fault({ action: 'restartBackend', id });
    }
  }

  it('destination BE down: ingest fails and is retried visibly; caught up once it is back', async () => {
    await withBackendDown(env.dest, async () => {
      await load();
      const err = await expectVisibleRetry();
      expect(err.message).toMatch(/ingest|connect|refused|backend/i);
      // Still failing, and not spinning: the next attempt waits for its retry time.
      await new Promise((r) => setTimeout(r, 300));
      expect(await env.status(JOB)).toMatchObject({ last_error: expect.objectContaining({ code: err.code }) as unknown });
    });
    await expectRecovered();
  });

  it('source BE down: the destination cannot download the rowsets; caught up once it is back', async () => {
    expect((await env.api('/pause', { name: JOB })).body).toMatchObject({ success: true });
    await load();
    await withBackendDown(env.src, async () => {
      expect((await env.api('/resume', { name: JOB })).body).toMatchObject({ success: true });
      const err = await expectVisibleRetry();
      expect(err.message).toMatch(/source replica|download|HTTP/i);
    });
    await expectRecovered();
  });
});
