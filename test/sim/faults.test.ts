// Every fault knob of the admin endpoint (POST /api/__sim/faults on the FE HTTP port) against a
// doris_sim process, each with the effect a client sees.
import { connect } from 'node:net';
import mysql from 'mysql2/promise';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeClient } from '../../src/doris/be-client.js';
import { FeClient } from '../../src/doris/fe-client.js';
import { ThriftClient } from '../../src/doris/thrift/client.js';
import { FRONTEND_CODECS } from '../../src/doris/thrift/codec.js';
import { RpcError } from '../../src/doris/thrift/rpc-error.js';
import { BinlogType, StatusCode } from '../../src/doris/types.js';
import { waitFor } from '../support/wait.js';
import { spawnSim, type SimProcess } from './sim-process.js';
import { simSql, type SimSql } from './sim-sql.js';

const AUTH = { user: 'root', passwd: '' };
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const TABLE = (name: string): string =>
  `CREATE TABLE ${name} (k INT, v VARCHAR(10)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("binlog.enable" = "true")`;

let sim: SimProcess;
let sql: SimSql;
let fe: FeClient;

async function admin(body: unknown, auth = 'root:'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${sim.ready.http_port}/api/__sim/faults`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function fault(body: unknown): Promise<void> {
  const r = await admin(body);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(false);
    });
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

interface Tablet {
  id: bigint;
  partitionId: bigint;
  backend: bigint;
  version: bigint;
}

async function tabletOf(table: string): Promise<Tablet> {
  const meta = await fe.getMeta({ ...AUTH, db: { name: 'f' } }, signal());
  const t = meta.db_meta?.tables?.find((x) => x.name === table);
  const p = t?.partitions?.[0];
  const tablet = p?.indexes?.[0]?.tablets?.[0];
  return { id: tablet?.id ?? 0n, partitionId: p?.id ?? 0n, backend: tablet?.replicas?.[0]?.backend_id ?? 0n, version: p?.visible_version ?? 0n };
}

/** Begins a destination txn on `dst` and ingests the source table's last load into it. */
async function ingestFromSrc(dst: string, label: string): Promise<{ txnId: bigint; info: { tabletId: bigint; backendId: bigint } }> {
  const s = await tabletOf('src');
  const d = await tabletOf(dst);
  const tableId = (await fe.getMeta({ ...AUTH, db: { name: 'f' } }, signal())).db_meta?.tables?.find((x) => x.name === dst)?.id;
  const txn = await fe.beginTxn({ ...AUTH, db: 'f', table_ids: [tableId ?? 0n], label }, signal());
  const srcBe = sim.ready.bes.find((b) => b.id === String(s.backend));
  const dstBe = sim.ready.bes.find((b) => b.id === String(d.backend));
  if (srcBe === undefined || dstBe === undefined) throw new Error('unknown backend');
  const be = new BeClient({ host: '127.0.0.1', port: dstBe.be_port }, { connectTimeoutMs: 1000 });
  try {
    const r = await be.ingest_binlog(
      {
        txn_id: txn.txn_id,
        remote_tablet_id: s.id,
        binlog_version: s.version,
        remote_host: srcBe.host,
        remote_port: String(srcBe.http_port),
        partition_id: d.partitionId,
        local_tablet_id: d.id,
        load_id: { hi: 7n, lo: d.id },
      },
      signal(),
    );
    expect(r.status).toEqual({ status_code: StatusCode.OK });
  } finally {
    await be.close();
  }
  return { txnId: txn.txn_id ?? 0n, info: { tabletId: d.id, backendId: d.backend } };
}

beforeAll(async () => {
  sim = await spawnSim(['--fe-count', '2', '--be-count', '2', '--replication-num', '1']);
  sql = await simSql(sim);
  fe = new FeClient({ frontends: [{ host: '127.0.0.1', port: sim.ready.rpc_port }], connectTimeoutMs: 1000 });
  await sql.exec('CREATE DATABASE f PROPERTIES ("binlog.enable" = "true")', 'USE f', TABLE('src'), TABLE('dst1'), TABLE('dst2'), "INSERT INTO src VALUES (1, 'a'), (2, 'b')");
});

afterAll(async () => {
  await fe.close();
  await sql.close();
  await sim.stop();
});

describe('fault knobs', () => {
  it('the admin endpoint needs a cluster user and a valid request', async () => {
    expect((await admin({ action: 'clear' }, 'root:wrong')).status).toBe(401);
    const bad = await admin({ action: 'explode' });
    expect(bad.status).toBe(400);
    expect(String(bad.json['error'])).toContain('action must be one of');
  });

  it('fail-next-N with a status: the next N calls get it, then calls succeed', async () => {
    await fault({ action: 'fail', service: 'fe', method: 'getBinlog', count: 2, status: { code: StatusCode.INTERNAL_ERROR, message: 'injected' } });
    const req = { ...AUTH, db: 'f', prev_commit_seq: 0n };
    for (let i = 0; i < 2; i++) {
      expect((await fe.getBinlog(req, signal())).status).toEqual({ status_code: StatusCode.INTERNAL_ERROR, error_msgs: ['injected'] });
    }
    expect((await fe.getBinlog(req, signal())).status?.status_code).toBe(StatusCode.OK);
  });

  it('clear disarms every armed fault', async () => {
    await fault({ action: 'fail', service: 'fe', method: '*', count: 5, status: { code: StatusCode.INTERNAL_ERROR, message: 'armed' } });
    const cleared = await admin({ action: 'clear' });
    expect(cleared.json['state']).toMatchObject({ methodFaults: [] });
    expect((await fe.getBackendMeta({ cluster: '', ...AUTH }, signal())).status?.status_code).toBe(StatusCode.OK);
  });

  it('drop: the connection closes without a reply, then calls succeed', async () => {
    await fault({ action: 'fail', service: 'fe', method: 'getMasterToken', drop: true });
    const req = { cluster: '', user: 'root', password: '' };
    const err = await fe.getMasterToken(req, signal()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    expect((await fe.getMasterToken(req, signal())).status?.status_code).toBe(StatusCode.OK);
  });

  it('delay: the reply comes after the delay', async () => {
    await fault({ action: 'fail', service: 'fe', method: 'getBackendMeta', delayMs: 300 });
    const started = Date.now();
    expect((await fe.getBackendMeta({ cluster: '', ...AUTH }, signal())).status?.status_code).toBe(StatusCode.OK);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('after: the call takes effect, then its reply is lost (the client cannot tell)', async () => {
    await fault({ action: 'fail', service: 'fe', method: 'beginTxn', drop: true, after: true });
    const tableId = (await fe.getMeta({ ...AUTH, db: { name: 'f' } }, signal())).db_meta?.tables?.find((x) => x.name === 'dst2')?.id ?? 0n;
    const err = await fe.beginTxn({ ...AUTH, db: 'f', table_ids: [tableId], label: 'reply_lost_1' }, signal()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(RpcError);
    const rows = await sql.query("SHOW TRANSACTION FROM f WHERE LABEL = 'reply_lost_1'");
    expect(rows.map((r) => r['TransactionStatus'])).toEqual(['PREPARE']);
    expect((await admin({ action: 'fail', service: 'fe', method: 'beginTxn', status: { code: 1, message: 'x' }, after: true })).status).toBe(400);
  });

  it('fe_sql: a statement fails, or runs and loses its reply, by statement kind', async () => {
    await fault({ action: 'fail', service: 'fe_sql', method: 'createTable', status: { code: 1, message: 'disk full' } });
    await expect(sql.query(TABLE('f.sql_fault'))).rejects.toThrow('errCode = 2, detailMessage = disk full');
    await fault({ action: 'fail', service: 'fe_sql', method: 'alterTable', drop: true, after: true });
    const conn = await simSql(sim);
    try {
      await expect(conn.query('ALTER TABLE f.dst2 ADD COLUMN w INT DEFAULT "1"')).rejects.toThrow();
    } finally {
      await conn.close().catch(() => undefined);
    }
    const columns = (await sql.query('DESC f.dst2')).map((r) => r['Field']);
    expect(columns).toContain('w');
    await fault({ action: 'fail', service: 'fe_sql', method: 'showRestore', delayMs: 300, after: true });
    const started = Date.now();
    await sql.query('SHOW RESTORE FROM f');
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('BE HTTP actions fail too (show_config answers 500 once)', async () => {
    const be = sim.ready.bes[0];
    if (be === undefined) throw new Error('no backend');
    await fault({ action: 'fail', service: 'be_http', method: 'show_config', status: { code: 6, message: 'config unavailable' } });
    const url = `http://127.0.0.1:${be.http_port}/api/show_config?conf_item=enable_feature_binlog`;
    const first = await fetch(url);
    expect(first.status).toBe(500);
    expect(await first.text()).toContain('config unavailable');
    const second = await fetch(url);
    expect(second.status).toBe(200);
    expect(((await second.json()) as string[][])[0]?.[2]).toBe('true');
  });

  it('publish hold: commitTxn answers PUBLISH_TIMEOUT, the txn turns VISIBLE once released', async () => {
    await fault({ action: 'holdPublish', hold: true });
    try {
      const { txnId, info } = await ingestFromSrc('dst1', 'ccr_publish_1');
      const r = await fe.commitTxn({ ...AUTH, db: 'f', txn_id: txnId, commit_infos: [info] }, signal());
      expect(r.status?.status_code).toBe(StatusCode.PUBLISH_TIMEOUT);
      expect((await sql.query(`SHOW TRANSACTION FROM f WHERE id = ${txnId}`))[0]?.['TransactionStatus']).toBe('COMMITTED');
      expect(await sql.query('SELECT count(*) AS n FROM f.dst1')).toEqual([{ n: '0' }]);
      await fault({ action: 'holdPublish', hold: false });
      await waitFor(async () => (await sql.query(`SHOW TRANSACTION FROM f WHERE id = ${txnId}`))[0]?.['TransactionStatus'] === 'VISIBLE', 'the txn to be visible');
      expect(await sql.query('SELECT count(*) AS n FROM f.dst1')).toEqual([{ n: '2' }]);
    } finally {
      await fault({ action: 'holdPublish', hold: false });
    }
  });

  it('BE stop closes its ports (ingest fails, connections refused); restart serves again', async () => {
    const d = await tabletOf('dst2');
    const be = sim.ready.bes.find((b) => b.id === String(d.backend));
    if (be === undefined) throw new Error('unknown backend');
    await fault({ action: 'stopBackend', id: be.id });
    try {
      expect(await refused(be.be_port)).toBe(true);
      expect(await refused(be.http_port)).toBe(true);
      const alive = (await sql.query('SHOW BACKENDS')).find((b) => b['BackendId'] === be.id)?.['Alive'];
      expect(alive).toBe('false');
      const err = await ingestFromSrc('dst2', 'ccr_stopped_1').then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(RpcError);
    } finally {
      await fault({ action: 'restartBackend', id: be.id });
    }
    expect(await refused(be.be_port)).toBe(false);
    const { txnId, info } = await ingestFromSrc('dst2', 'ccr_restarted_1');
    expect((await fe.commitTxn({ ...AUTH, db: 'f', txn_id: txnId, commit_infos: [info] }, signal())).status?.status_code).toBe(StatusCode.OK);
    expect(await sql.query('SELECT count(*) AS n FROM f.dst2')).toEqual([{ n: '2' }]);
  });

  it('FE stop closes its query, rpc and http ports and marks it dead; restart serves again', async () => {
    const follower = sim.ready.fes[1];
    if (follower === undefined) throw new Error('two FEs expected');
    await fault({ action: 'stopFrontend', name: follower.name });
    try {
      for (const port of [follower.query_port, follower.rpc_port, follower.http_port]) expect(await refused(port)).toBe(true);
      const row = (await sql.query('SHOW FRONTENDS')).find((f) => f['Name'] === follower.name);
      expect(row?.['Alive']).toBe('false');
    } finally {
      await fault({ action: 'restartFrontend', name: follower.name });
    }
    for (const port of [follower.query_port, follower.rpc_port, follower.http_port]) expect(await refused(port)).toBe(false);
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: follower.query_port, user: 'root', password: '' });
    try {
      const [rows] = await conn.query('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await conn.end();
    }
    expect((await admin({ action: 'stopFrontend', name: 'nope' })).status).toBe(400);
  });

  it('master switch: the old master answers NOT_MASTER pointing at the new one, and FeClient follows', async () => {
    const [first, second] = sim.ready.fes;
    if (first === undefined || second === undefined) throw new Error('two FEs expected');
    await fault({ action: 'switchMaster', to: second.name });
    try {
      const raw = new ThriftClient({ host: '127.0.0.1', port: first.rpc_port });
      try {
        const r = await raw.call(FRONTEND_CODECS.getMasterToken, { cluster: '', user: 'root', password: '' }, signal());
        expect(r.status?.status_code).toBe(StatusCode.NOT_MASTER);
        expect(r.master_address).toEqual({ hostname: '127.0.0.1', port: second.rpc_port });
        await fault({ action: 'clearMaster' });
        const unknown = await raw.call(FRONTEND_CODECS.getMasterToken, { cluster: '', user: 'root', password: '' }, signal());
        expect(unknown.status?.status_code).toBe(StatusCode.NOT_MASTER);
        expect(unknown.master_address).toBeUndefined();
      } finally {
        await raw.close();
      }
      await fault({ action: 'switchMaster', to: second.name });
      const client = new FeClient({ frontends: [{ host: '127.0.0.1', port: first.rpc_port }] });
      try {
        expect((await client.getBackendMeta({ cluster: '', ...AUTH }, signal())).status?.status_code).toBe(StatusCode.OK);
        expect(client.masterAddress).toBe(`127.0.0.1:${second.rpc_port}`);
      } finally {
        await client.close();
      }
      const masters = await sql.query('select Host, RpcPort, IsMaster from frontends();');
      expect(masters.find((m) => m['IsMaster'] === 'true')?.['RpcPort']).toBe(String(second.rpc_port));
    } finally {
      await fault({ action: 'switchMaster', to: first.name });
    }
  });
  // GC is cluster-wide (it also expires the BEs' rowset binlogs), so it runs last.
  it('binlog GC: getBinlog from before the horizon is TOO_OLD with a DUMMY binlog', async () => {
    await sql.exec('CREATE DATABASE gc PROPERTIES ("binlog.enable" = "true")', TABLE('gc.t'), 'INSERT INTO gc.t VALUES (1, "x")', 'INSERT INTO gc.t VALUES (2, "y")');
    const all = (await fe.getBinlog({ ...AUTH, db: 'gc', prev_commit_seq: 0n, num_acquired: 255n }, signal())).binlogs ?? [];
    expect(all.map((b) => b.type)).toEqual([BinlogType.CREATE_TABLE, BinlogType.UPSERT, BinlogType.UPSERT]);
    const horizon = all[1]?.commit_seq ?? 0n;
    await fault({ action: 'gcBinlogs', before: String(horizon) });
    const r = await fe.getBinlog({ ...AUTH, db: 'gc', prev_commit_seq: 0n }, signal());
    expect(r.status?.status_code).toBe(StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ);
    expect(r.binlogs?.map((b) => [b.type, b.commit_seq])).toEqual([[BinlogType.DUMMY, horizon]]);
    const after = await fe.getBinlog({ ...AUTH, db: 'gc', prev_commit_seq: horizon }, signal());
    expect(after.binlogs?.map((b) => b.commit_seq)).toEqual([all[2]?.commit_seq]);
  });

});
