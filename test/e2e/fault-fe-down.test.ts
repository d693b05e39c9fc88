// The FE named in the job spec (the master) dies on either cluster (two FEs each) and another
// FE is elected: Thrift calls go to the FE that answers as master, SQL fails over to the other
// FE's query port (the Go syncer had no SQL failover, selectdb/ccr-syncer#669), and loads and
// DDL keep replicating — retries at most, no full sync.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { startRowLoader } from '../support/row-loader.js';
import type { SimProcess } from '../support/sim-process.js';

const DB = 'faultfedown';
const JOB = 'fault_fe_down';

describe('the job spec FE down', () => {
  let env: CcrEnv;
  let nextKey = 1;
  beforeAll(async () => {
    env = await startCcrEnv({ sim: { feCount: 2 } });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 10);
    await env.createJob(JOB, { srcDb: DB });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterAll(async () => env?.close());

  /** Stops the first FE (the job spec's, the master), elects the second, runs `during`, restarts the first. */
  async function withFirstFeDown(sim: SimProcess, during: () => Promise<void>): Promise<void> {
    const [first, second] = sim.ready.fes;
    if (!first || !second) throw new Error('two FEs expected');
    await sim.fault({ action: 'stopFrontend', name: first.name });
    try {
      await sim.fault({ action: 'switchMaster', to: second.name });
      await during();
    } finally {
      await sim.fault({ action: 'restartFrontend', name: first.name });
    }
  }

  async function loadAndAlter(column: string): Promise<void> {
    const second = env.src.ready.fes[1]?.query_port;
    const loader = startRowLoader(env.src, DB, 't', { firstKey: nextKey, pauseMs: 10, port: second });
    nextKey += 100_000;
    try {
      await loader.waitRows(30);
      await env.src.query(`ALTER TABLE ${DB}.t ADD COLUMN ${column} INT DEFAULT "1"`);
      await loader.waitRows(loader.rows + 30);
    } finally {
      await loader.stop();
    }
    await env.waitCaughtUp(JOB);
  }

  async function expectConverged(): Promise<void> {
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count, 'full syncs').toBe(1);
  }

  it('destination: SQL fails over to the other FE, Thrift follows the new master', async () => {
    await withFirstFeDown(env.dest, async () => {
      await loadAndAlter('w1');
      // Checked while the first FE is still down: replicated through the second one.
      await expectConverged();
    });
    const second = env.dest.ready.fes[1];
    expect(env.syncer.logs.some((l) => l.msg === 'sql endpoint changed' && l.to === `127.0.0.1:${second?.query_port}`)).toBe(true);
    await env.dest.fault({ action: 'switchMaster', to: env.dest.ready.fes[0]?.name });
  });

  it('source: binlogs and metadata are read from the FE that took over', async () => {
    await withFirstFeDown(env.src, async () => {
      await loadAndAlter('w2');
      await expectConverged();
    });
    await env.src.fault({ action: 'switchMaster', to: env.src.ready.fes[0]?.name });
    expect((await env.status(JOB)).last_error).toBeNull();
  });
});
