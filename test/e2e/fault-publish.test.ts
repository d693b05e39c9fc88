// Publish timeouts on the destination (publish held): commitTxn answers PUBLISH_TIMEOUT, which
// means committed. The job goes on with the next loads, but a DDL waits until the loads it
// follows are VISIBLE, so it never overtakes them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys, rowCount } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultpub';
const JOB = 'fault_pub';

describe('publish timeout on the destination', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    // A short commit timeout bounds how long a DDL waits in silence for invisible loads.
    env = await startCcrEnv({ syncerArgs: ['--commit_txn_timeout', '2s'] });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 10);
    await env.createJob(JOB, { srcDb: DB, srcTable: 't' });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterAll(async () => {
    await env?.dest.fault({ action: 'holdPublish', hold: false }).catch(() => undefined);
    await env?.close();
  });

  const destColumns = async (): Promise<string[]> => (await env.dest.query<{ Field: string }>(`DESC ${DB}.t`)).map((r) => r.Field);

  /**
   * With publish held: two loads count as applied (committed) although nothing is visible,
   * then `column` is added on the source and must not reach the destination meanwhile.
   */
  async function ddlWaitsForInvisibleLoads(key: number, column: string, between?: () => Promise<void>, whileHeld?: () => Promise<void>): Promise<void> {
    const rows = await rowCount(env.dest, DB, 't');
    await env.dest.fault({ action: 'holdPublish', hold: true });
    try {
      await env.src.query(`INSERT INTO ${DB}.t (k, v) VALUES (${key}, 'a'); INSERT INTO ${DB}.t (k, v) VALUES (${key + 1}, 'b'), (${key + 2}, 'c')`);
      await env.waitCaughtUp(JOB);
      expect(await rowCount(env.dest, DB, 't')).toBe(rows);
      expect((await env.status(JOB)).last_error).toBeNull();
      await between?.();

      await env.src.query(`ALTER TABLE ${DB}.t ADD COLUMN ${column} INT DEFAULT "5"; INSERT INTO ${DB}.t (k, v, ${column}) VALUES (${key + 3}, 'd', 6)`);
      // The DDL must not overtake the invisible loads: watch it stay unapplied for a while.
      const until = Date.now() + 1000;
      while (Date.now() < until) {
        expect(await destColumns()).not.toContain(column);
        await new Promise((r) => setTimeout(r, 50));
      }
      await whileHeld?.();
      expect(await destColumns()).not.toContain(column);
    } finally {
      await env.dest.fault({ action: 'holdPublish', hold: false });
    }
    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count).toBe(1);
  }

  it('loads go on as committed; a following DDL waits until they are VISIBLE', async () => {
    await ddlWaitsForInvisibleLoads(1, 'w');
  });

  it('publish stuck for longer than the commit timeout: the waiting DDL shows in last_error', async () => {
    await ddlWaitsForInvisibleLoads(200, 'w3', undefined, async () => {
      const s = await waitFor(async () => {
        const st = await env.status(JOB);
        return st.last_error !== null && st;
      }, 'the wait to be reported', 10_000);
      expect(s.state).toBe('running');
      expect(s.last_error).toMatchObject({ code: 'CCR_E0304', message: expect.stringMatching(/VISIBLE/) as unknown });
    });
    expect((await env.status(JOB)).last_error).toBeNull();
  });

  it('loads left invisible with no DDL after them are dropped from the checkpoint once visible', async () => {
    await env.dest.fault({ action: 'holdPublish', hold: true });
    try {
      await env.src.query(`INSERT INTO ${DB}.t (k, v) VALUES (300, 'a'); INSERT INTO ${DB}.t (k, v) VALUES (301, 'b'); INSERT INTO ${DB}.t (k, v) VALUES (302, 'c')`);
      await env.waitCaughtUp(JOB);
      expect((await env.progress(JOB))?.committed_txn_ids).toHaveLength(3);
    } finally {
      await env.dest.fault({ action: 'holdPublish', hold: false });
    }
    await waitFor(async () => ((await env.progress(JOB))?.committed_txn_ids as unknown[]).length === 0, 'the list to empty', 10_000);
    await waitSameTable(env, DB, 't');
  });

  it('the same after a SIGKILL while the loads were still invisible', async () => {
    await ddlWaitsForInvisibleLoads(100, 'w2', async () => {
      await env.killSyncer();
      await env.restartSyncer();
    });
  });
});
