// A DDL whose reply is lost: the destination FE applied it, then the connection dropped. The
// syncer cannot know the outcome; its retry must find the change already there (as after a
// crash) instead of failing on it forever or applying it twice.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';
import { createLoadTable, expectNoDuplicateKeys } from '../support/crash-checks.js';

const DB = 'faultddl';
const JOB = 'fault_ddl';

describe('a DDL reply lost after the destination applied it', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true")`);
    await createLoadTable(env.src, DB, 't', 5);
    await env.createJob(JOB, { srcDb: DB });
    await env.waitCaughtUp(JOB);
  }, 60_000);
  afterEach(async () => env.dest.fault({ action: 'clear' }));
  afterAll(async () => env?.close());

  const cases: { name: string; kind: string; sql: string; table: string }[] = [
    { name: 'ADD COLUMN', kind: 'alterTable', sql: `ALTER TABLE ${DB}.t ADD COLUMN w INT DEFAULT "3"; INSERT INTO ${DB}.t VALUES (1, 'a', 4)`, table: 't' },
    {
      name: 'CREATE TABLE',
      kind: 'createTable',
      sql: `CREATE TABLE ${DB}.n (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1
        PROPERTIES ("replication_num" = "1", "binlog.enable" = "true"); INSERT INTO ${DB}.n VALUES (1, 'a')`,
      table: 'n',
    },
  ];
  for (const c of cases) {
    it(`${c.name}: retried, found applied, the job goes on`, async () => {
      await env.dest.fault({ action: 'fail', service: 'fe_sql', method: c.kind, drop: true, after: true });
      await env.src.query(c.sql);
      await env.waitCaughtUp(JOB);
      await waitSameTable(env, DB, c.table);
      await expectNoDuplicateKeys(env.dest, DB, c.table);
      expect((await env.progress(JOB))?.full_sync_count).toBe(1);
      expect((await env.progress(JOB))?.partial_sync_count).toBe(0);
    });
  }
});
