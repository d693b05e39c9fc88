// host_mapping end to end: a source cluster behind NAT (doris_sim --advertise-host) reports
// its FE and BEs under 127.0.0.2, where nothing listens, while they listen on 127.0.0.1. A job
// created with {"127.0.0.2": "127.0.0.1"} full-syncs (the destination BEs download the
// snapshot from the mapped source BE addresses) and replays loads (ingest_binlog from the
// mapped addresses); create_ccr without the mapping is refused; a job created while the
// source was reachable gets stuck once the source reports unreachable addresses (after a
// restart of the source and the syncer) and recovers, without another restart, after
// /update_host_mapping adds the mapping.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCcrEnv, tableRows, type CcrEnv } from '../support/ccr-env.js';
import type { SimOptions } from '../support/sim-process.js';
import { waitFor } from '../support/wait.js';

const DB = 'nat';
const PROPS = 'PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")';
const PRIVATE = '127.0.0.2';
const MAPPING = { [PRIVATE]: '127.0.0.1' };

/** Local ports nothing listens on right now (the source keeps them across its restart). */
async function freePorts(n: number): Promise<number[]> {
  const servers = Array.from({ length: n }, () => createServer());
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))));
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

describe('host_mapping: a source cluster behind NAT', () => {
  let env: CcrEnv;
  let dataDir: string;
  let source: (advertise?: string) => SimOptions;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'ccr-nat-src-'));
    const [query, rpc, http, be, beHttp] = await freePorts(5);
    source = (advertise) => ({
      beCount: 1,
      dataDir,
      extraArgs: [
        '--query-port', String(query), '--rpc-port', String(rpc), '--http-port', String(http), '--be-port', String(be), '--be-http-port', String(beHttp),
        ...(advertise === undefined ? [] : ['--advertise-host', advertise]),
      ],
    });
    // First reachable: the job "before" is created and caught up, then the source comes back
    // reporting the private address.
    env = await startCcrEnv({ sim: { beCount: 1 }, srcSim: source() });
    await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${DB}.t (k INT, v STRING) UNIQUE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      CREATE TABLE ${DB}.u (k INT, v STRING) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 2 ${PROPS};
      INSERT INTO ${DB}.t VALUES (1, 'a'), (2, 'b');
      INSERT INTO ${DB}.u VALUES (1, 'x');`);
    await env.createJob('before', { srcDb: DB, srcTable: 'u', destDb: 'nat_before', destTable: 'u' });
    await env.waitCaughtUp('before');
    await env.restartSource(source(PRIVATE));
    // The syncer keeps a cluster's BE list for 30 s; a restarted syncer reads it afresh.
    await env.restartSyncer();
  });
  afterAll(async () => {
    await env?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const sameRows = (destDb: string, table: string) =>
    waitFor(async () => JSON.stringify(await tableRows(env.dest, destDb, table)) === JSON.stringify(await tableRows(env.src, DB, table)), `${destDb}.${table} to equal ${DB}.${table}`, 20_000);

  it('the source reports the private address, where nothing listens', async () => {
    expect(env.src.ready.bes.map((b) => b.host)).toEqual([PRIVATE]);
    const bes = await env.src.query<Record<string, string>>('SHOW BACKENDS');
    expect(bes.map((b) => b['Host'])).toEqual([PRIVATE]);
    const refused = await fetch(`http://${PRIVATE}:${env.src.ready.bes[0]?.http_port}/api/health`).then(
      () => 'answered',
      (err: Error & { cause?: { code?: string } }) => err.cause?.code,
    );
    expect(refused).toBe('ECONNREFUSED');
  });

  it('create_ccr without host_mapping is refused: the source BEs cannot be reached', async () => {
    const r = await env.api('/create_ccr', env.jobBody('unmapped', { srcDb: DB, srcTable: 't', destDb: 'nat_unmapped', destTable: 't' }));
    expect(r.body).toMatchObject({ success: false });
    expect(r.body.error_msg).toMatch(new RegExp(`cannot read the config of source BE ${PRIVATE.replaceAll('.', '\\.')}:\\d+ .*use host_mapping for NAT`));
    expect((await env.api('/list_jobs')).body.jobs).not.toContain('unmapped');
  });

  it('a job created with host_mapping full-syncs and replays loads through the mapped addresses', async () => {
    const body = env.jobBody('mapped', { srcDb: DB, srcTable: 't', destDb: 'nat_mapped', destTable: 't' });
    expect((await env.api('/create_ccr', { ...body, src: { ...(body.src as object), host_mapping: MAPPING } })).body).toMatchObject({ success: true });
    await env.waitCaughtUp('mapped');
    expect(await tableRows(env.dest, 'nat_mapped', 't')).toEqual(['[1,"a"]', '[2,"b"]']);
    await env.src.query(`INSERT INTO ${DB}.t VALUES (3, 'c'), (1, 'a2'); INSERT INTO ${DB}.t VALUES (4, 'd');`);
    await sameRows('nat_mapped', 't');
    await env.waitCaughtUp('mapped');
    expect(await tableRows(env.dest, 'nat_mapped', 't')).toEqual(['[1,"a2"]', '[2,"b"]', '[3,"c"]', '[4,"d"]']);
    const status = await env.status('mapped');
    expect(status).toMatchObject({ state: 'running', progress_state: 'TableIncrementalSync', last_error: null });
  });

  it('a job without the mapping gets stuck with a clear last_error, and update_host_mapping unblocks it without a restart', async () => {
    const rowsBefore = await tableRows(env.dest, 'nat_before', 'u');
    await env.src.query(`INSERT INTO ${DB}.u VALUES (2, 'y'); INSERT INTO ${DB}.u VALUES (3, 'z');`);
    const stuck = await waitFor(async () => {
      const s = await env.status('before');
      const e = s.last_error as { message?: string } | null;
      return e?.message?.includes(PRIVATE) ? e : undefined;
    }, 'the job to report the unreachable source BE').catch(async (err: unknown) => {
      throw new Error(`${(err as Error).message}; job_status: ${JSON.stringify(await env.status('before'))}`);
    });
    expect(stuck.message).toMatch(/^ingest_binlog on the destination failed .*http:\/\/127\.0\.0\.2:\d+\/api\/_binlog\/_download.*ECONNREFUSED/);
    expect(await tableRows(env.dest, 'nat_before', 'u')).toEqual(rowsBefore);
    const syncerPid = env.syncer.child.pid;

    expect((await env.api('/update_host_mapping', { name: 'before', src_host_mapping: MAPPING })).body).toEqual({ success: true });
    await sameRows('nat_before', 'u');
    await env.waitCaughtUp('before');
    expect(await tableRows(env.dest, 'nat_before', 'u')).toEqual(['[1,"x"]', '[2,"y"]', '[3,"z"]']);
    await waitFor(async () => (await env.status('before')).last_error === null, 'last_error to clear');
    expect(env.syncer.child.pid).toBe(syncerPid);
  });
});
