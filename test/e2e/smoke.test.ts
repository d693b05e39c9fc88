// The shortest path through the product: a table job and a database job replicate a full
// sync, loads and DDL between two simulator processes.
import { afterAll, beforeAll, describe, it } from 'vitest';
import { startCcrEnv, waitSameTable, type CcrEnv } from '../support/ccr-env.js';

describe('replication between two simulated clusters', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE smoke PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE smoke.t1 (k INT, v VARCHAR(20)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2
        PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");
      INSERT INTO smoke.t1 VALUES (1, 'a'), (2, 'b');`);
  }, 60_000);
  afterAll(async () => env?.close());

  it('table job: full sync, then loads and a light schema change', async () => {
    await env.createJob('smoke_t1', { srcDb: 'smoke', srcTable: 't1', destDb: 'smoke_copy', destTable: 't1_copy' });
    await waitSameTable(env, 'smoke', 't1', 'smoke_copy', 't1_copy');
    await env.src.query(`INSERT INTO smoke.t1 VALUES (3, 'c');
      ALTER TABLE smoke.t1 ADD COLUMN w INT DEFAULT "7";
      INSERT INTO smoke.t1 VALUES (4, 'd', 8);`);
    await waitSameTable(env, 'smoke', 't1', 'smoke_copy', 't1_copy');
  });

  it('database job: tables created, loaded and renamed while it runs', async () => {
    await env.src.query(`CREATE DATABASE smokedb PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE smokedb.a (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");
      INSERT INTO smokedb.a VALUES (1);`);
    await env.createJob('smoke_db', { srcDb: 'smokedb' });
    await waitSameTable(env, 'smokedb', 'a');
    await env.src.query(`CREATE TABLE smokedb.b (k INT, s STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 PROPERTIES ("replication_num" = "1", "binlog.enable" = "true");
      INSERT INTO smokedb.b VALUES (1, 'x'), (2, 'y');
      INSERT INTO smokedb.b VALUES (1, 'z');
      ALTER TABLE smokedb.a RENAME a2;`);
    await waitSameTable(env, 'smokedb', 'b');
    await waitSameTable(env, 'smokedb', 'a2');
  });
});
