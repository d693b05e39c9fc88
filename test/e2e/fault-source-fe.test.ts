// The source FE failing getBinlog for a while — error statuses, then dropped connections: the
// job retries with growing backoff, job_status shows each error with its next retry time, the
// log says each distinct error once (not once per attempt), and the job recovers by itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';
import { waitFor } from '../support/wait.js';

const DB = 'faultfe';
const JOB = 'fault_fe';

interface LastError {
  code: string;
  message: string;
  at: string;
  retry_at: string;
}

describe('the source FE failing getBinlog', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 10);
    await env.createJob(JOB, { srcDb: DB, srcTable: 't' });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterAll(async () => env?.close());

  it('retries with backoff, shows every error with its retry time, logs each distinct error once', async () => {
    const errorsBefore = await env.metric('ccr_errors_total', { job: JOB });
    await env.src.fault({ action: 'fail', service: 'fe', method: 'getBinlog', count: 2, status: { code: 6, message: 'injected getBinlog failure' } });
    await env.src.fault({ action: 'fail', service: 'fe', method: 'getBinlog', count: 2, drop: true });
    await env.src.query(`INSERT INTO ${DB}.t VALUES (1, 'a'), (2, 'b')`);

    // Every failed attempt as job_status showed it (distinct by time).
    const seen = new Map<string, LastError>();
    await waitFor(async () => {
      const s = await env.status(JOB);
      const e = s.last_error as LastError | null;
      if (e) seen.set(e.at, e);
      return e === null && seen.size > 0 && (await env.src.state()).faults.methodFaults.length === 0;
    }, 'the job to get past four failures', 15_000);
    const errors = [...seen.values()];
    expect(errors[0]?.message).toContain('injected getBinlog failure');
    expect(errors[errors.length - 1]?.code).toBe('CCR_R0203');
    const delays = errors.map((e) => Date.parse(e.retry_at) - Date.parse(e.at));
    for (let i = 1; i < delays.length; i++) expect(delays[i], `backoff ${JSON.stringify(delays)}`).toBeGreaterThan(delays[i - 1] ?? 0);

    await env.waitCaughtUp(JOB);
    await waitSameTable(env, DB, 't');
    await expectNoDuplicateKeys(env.dest, DB, 't');
    expect((await env.progress(JOB))?.full_sync_count).toBe(1);
    expect(await env.metric('ccr_errors_total', { job: JOB })).toBeGreaterThanOrEqual(errorsBefore + 4);
    // Four failures, two distinct errors: two warnings in the log.
    const warnings = env.syncer.logs.filter((l) => l.job === JOB && l.msg === 'step failed; retrying');
    expect(warnings.map((l) => l.code)).toEqual(['CCR_F0006', 'CCR_R0203']);
  });
});
