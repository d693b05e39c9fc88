// create_ccr's first-run checks against real clusters: each refusal is a 4xx/5xx whose message
// names the fix, and leaves nothing behind (no job in the store, no destination database);
// once the operator fixed the cause, the same request succeeds.
import { freePort } from '../../src/util/free-port.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, waitSameTable, type ApiReply, type CcrEnv } from '../support/ccr-env.js';

const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';

describe('create_ccr first-run checks', () => {
  let env: CcrEnv;
  beforeAll(async () => {
    env = await startCcrEnv();
    await env.src.query(`CREATE DATABASE nolog;
      CREATE TABLE nolog.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1");
      CREATE DATABASE logged PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE logged.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 ${PROPS};
      INSERT INTO logged.t VALUES (1);`);
  });
  afterAll(async () => env?.close());

  /** The request was refused with `status` and left no trace. */
  const refused = async (r: ApiReply, status: number, message: RegExp, name: string, destDb?: string): Promise<void> => {
    expect(r.status, JSON.stringify(r.body)).toBe(status);
    expect(r.body).toMatchObject({ success: false });
    expect(r.body.error_msg).toMatch(message);
    expect((await env.api('/list_jobs')).body.jobs).not.toContain(name);
    expect((await env.api('/job_status', { name })).status).toBe(404);
    if (destDb) expect((await env.dest.query(`SHOW DATABASES LIKE '${destDb}'`)).length).toBe(0);
  };

  it('binlog disabled on the source database (database job): names scripts/enable_db_binlog.sh', async () => {
    const body = env.jobBody('cc_nolog_db', { srcDb: 'nolog', destDb: 'cc_nolog_db_dest' });
    await refused(await env.api('/create_ccr', body), 400, /binlog is not enabled on source database nolog: run scripts\/enable_db_binlog\.sh .*-d nolog/, 'cc_nolog_db', 'cc_nolog_db_dest');
    // The fix the message names (what enable_db_binlog.sh does), then the same request works.
    await env.src.query(`ALTER TABLE nolog.t SET ("binlog.enable" = "true"); ALTER DATABASE nolog SET PROPERTIES ("binlog.enable" = "true");`);
    expect((await env.api('/create_ccr', body)).body).toEqual({ success: true });
    await waitSameTable(env, 'nolog', 't', 'cc_nolog_db_dest', 't');
  });

  it('binlog disabled on the source table (table job): names the ALTER TABLE to run', async () => {
    await env.src.query(`CREATE DATABASE tbl_nolog; CREATE TABLE tbl_nolog.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1")`);
    const r = await env.api('/create_ccr', env.jobBody('cc_nolog_t', { srcDb: 'tbl_nolog', srcTable: 't', destDb: 'cc_nolog_t_dest' }));
    await refused(r, 400, /binlog is not enabled on source table tbl_nolog\.t: run ALTER TABLE `tbl_nolog`\.`t` SET \("binlog\.enable" = "true"\)/, 'cc_nolog_t', 'cc_nolog_t_dest');
  });

  it('source database or table missing: names the field', async () => {
    await refused(await env.api('/create_ccr', env.jobBody('cc_nodb', { srcDb: 'no_such_db', destDb: 'cc_nodb_dest' })), 400, /source database no_such_db does not exist: check src\.database/, 'cc_nodb', 'cc_nodb_dest');
    await refused(
      await env.api('/create_ccr', env.jobBody('cc_notable', { srcDb: 'logged', srcTable: 'nope', destDb: 'cc_notable_dest' })),
      400,
      /source table logged\.nope does not exist: check src\.table/,
      'cc_notable',
      'cc_notable_dest',
    );
  });

  it('destination table exists without allow_table_exists', async () => {
    await env.dest.query(`CREATE DATABASE cc_exists_dest; CREATE TABLE cc_exists_dest.t (k INT) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("replication_num" = "1")`);
    const r = await env.api('/create_ccr', env.jobBody('cc_exists', { srcDb: 'logged', srcTable: 't', destDb: 'cc_exists_dest' }));
    await refused(r, 400, /destination table cc_exists_dest\.t already exists: drop it, or set "allow_table_exists": true/, 'cc_exists');
  });

  it('wrong password on either side: names the field to check, never the password', async () => {
    const src = env.jobBody('cc_pw', { srcDb: 'logged', destDb: 'cc_pw_dest' });
    (src.src as Record<string, unknown>).password = 'Wrong-Pw-1';
    const r = await env.api('/create_ccr', src);
    await refused(r, 409, /rejected user "root": check src\.user and src\.password/, 'cc_pw', 'cc_pw_dest');
    expect(JSON.stringify(r.body)).not.toContain('Wrong-Pw-1');
    const dest = env.jobBody('cc_pw', { srcDb: 'logged', destDb: 'cc_pw_dest' });
    (dest.dest as Record<string, unknown>).password = 'Wrong-Pw-2';
    await refused(await env.api('/create_ccr', dest), 409, /check dest\.user and dest\.password/, 'cc_pw', 'cc_pw_dest');
  });

  it('unreachable host: names host and port', async () => {
    const body = env.jobBody('cc_down', { srcDb: 'logged', destDb: 'cc_down_dest' });
    Object.assign(body.dest as Record<string, unknown>, { port: String(await freePort()), thrift_port: String(await freePort()) });
    await refused(await env.api('/create_ccr', body), 502, /cannot reach the destination FE 127\.0\.0\.1:\d+ .*check dest\.host and dest\.port/, 'cc_down');
  });

  it('a table on one side only is a bad request', async () => {
    const body = env.jobBody('cc_half', { srcDb: 'logged', srcTable: 't', destDb: 'cc_half_dest', destTable: '' });
    const r = await env.api('/create_ccr', body);
    await refused(r, 400, /table/, 'cc_half', 'cc_half_dest');
  });
});
