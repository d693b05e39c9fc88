// Our FeClient / BeClient over TCP against a doris_sim process: every FrontendService method,
// every binlog type generated through SQL and read back with getBinlog, master redirection
// from a follower, and malformed Thrift input on the FE and BE ports.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeClient } from '../../src/doris/be-client.js';
import { FeClient } from '../../src/doris/fe-client.js';
import { ThriftClient } from '../../src/doris/thrift/client.js';
import { FRONTEND_CODECS } from '../../src/doris/thrift/codec.js';
import { BinlogType, IngestBinlogStatus, StatusCode, type TBinlog } from '../../src/doris/types.js';
import { parseJsonBig } from '../../src/util/json-big.js';
import { waitFor } from '../support/wait.js';
import { spawnSim, type SimProcess } from './sim-process.js';
import { simSql, type SimSql } from './sim-sql.js';

const AUTH = { user: 'root', passwd: '' };
const signal = (): AbortSignal => AbortSignal.timeout(10_000);

let sim: SimProcess;
let sql: SimSql;
let fe: FeClient;

beforeAll(async () => {
  sim = await spawnSim(['--fe-count', '2', '--be-count', '2', '--replication-num', '1']);
  sql = await simSql(sim);
  fe = new FeClient({ frontends: [{ host: '127.0.0.1', port: sim.ready.rpc_port }] });
});

afterAll(async () => {
  await fe.close();
  await sql.close();
  await sim.stop();
});

async function waitAlterFinished(db: string, kind: 'COLUMN' | 'ROLLUP'): Promise<void> {
  await waitFor(async () => {
    const jobs = await sql.query(`SHOW ALTER TABLE ${kind} FROM ${db}`);
    return jobs.every((j) => j['State'] === 'FINISHED' || j['State'] === 'CANCELLED');
  }, `${kind} jobs of ${db} to finish`);
}

async function readAllBinlogs(db: string): Promise<TBinlog[]> {
  const out: TBinlog[] = [];
  let prev = 0n;
  for (;;) {
    const r = await fe.getBinlog({ ...AUTH, db, prev_commit_seq: prev, num_acquired: 255n }, signal());
    if (r.status?.status_code === StatusCode.BINLOG_TOO_NEW_COMMIT_SEQ) return out;
    expect(r.status?.status_code).toBe(StatusCode.OK);
    const binlogs = r.binlogs ?? [];
    out.push(...binlogs);
    prev = binlogs[binlogs.length - 1]?.commit_seq ?? prev;
  }
}

function payload(b: TBinlog): Record<string, unknown> {
  return parseJsonBig(b.data ?? '{}') as Record<string, unknown>;
}

describe('FrontendService over TCP', () => {
  it('getMasterToken and getBackendMeta', async () => {
    const token = await fe.getMasterToken({ cluster: '', user: 'root', password: '' }, signal());
    expect(token.status?.status_code).toBe(StatusCode.OK);
    expect(token.token).toMatch(/.+/);
    const denied = await fe.getMasterToken({ cluster: '', user: 'root', password: 'wrong' }, signal());
    expect(denied.status?.status_code).toBe(StatusCode.NOT_AUTHORIZED);
    const meta = await fe.getBackendMeta({ cluster: '', ...AUTH }, signal());
    expect(meta.status?.status_code).toBe(StatusCode.OK);
    expect(meta.backends?.map((b) => [String(b.id), b.be_port, b.http_port, b.is_alive])).toEqual(
      sim.ready.bes.map((b) => [b.id, b.be_port, b.http_port, true]),
    );
  });

  it('a follower answers NOT_MASTER with the master rpc address; FeClient follows it', async () => {
    const follower = sim.ready.fes[1];
    if (follower === undefined) throw new Error('no follower');
    const raw = new ThriftClient({ host: '127.0.0.1', port: follower.rpc_port });
    try {
      const r = await raw.call(FRONTEND_CODECS.getBinlog, { ...AUTH, db: 'x', prev_commit_seq: 0n }, signal());
      expect(r.status?.status_code).toBe(StatusCode.NOT_MASTER);
      expect(r.status?.error_msgs).toEqual(['FE is not master']);
      expect(r.master_address).toEqual({ hostname: '127.0.0.1', port: sim.ready.rpc_port });
    } finally {
      await raw.close();
    }
    const viaFollower = new FeClient({ frontends: [{ host: '127.0.0.1', port: follower.rpc_port }] });
    try {
      const token = await viaFollower.getMasterToken({ cluster: '', user: 'root', password: '' }, signal());
      expect(token.status?.status_code).toBe(StatusCode.OK);
      expect(viaFollower.masterAddress).toBe(`127.0.0.1:${sim.ready.rpc_port}`);
    } finally {
      await viaFollower.close();
    }
  });

  it('every binlog type generated with SQL comes back from getBinlog with its key fields', async () => {
    await sql.exec(
      'CREATE DATABASE bl PROPERTIES ("binlog.enable" = "true")',
      'USE bl',
      'CREATE TABLE t1 (k INT, v VARCHAR(10)) DUPLICATE KEY(k) PARTITION BY RANGE(k) ' +
        '(PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20")) DISTRIBUTED BY HASH(k) BUCKETS 2 ' +
        'PROPERTIES ("binlog.enable" = "true", "light_schema_change" = "true")',
      "INSERT INTO t1 VALUES (1, 'a'), (11, 'b')",
      'ALTER TABLE t1 ADD PARTITION p3 VALUES LESS THAN ("30")',
      'ALTER TABLE t1 DROP PARTITION p3',
      'ALTER TABLE t1 ADD COLUMN c INT NULL',
      'ALTER TABLE t1 RENAME COLUMN c d',
      "ALTER TABLE t1 MODIFY COMMENT 'hello'",
      'ALTER DATABASE bl SET properties ("binlog.ttl_seconds" = "7200")',
      'ALTER TABLE t1 SET ("binlog.ttl_seconds" = "7200")',
      'ALTER TABLE t1 MODIFY PARTITION (p1) SET ("storage_medium" = "HDD")',
      "INSERT OVERWRITE TABLE t1 PARTITION (p2) VALUES (12, 'c', 1)",
      'TRUNCATE TABLE t1 PARTITIONS (p1)',
      'ALTER TABLE t1 RENAME PARTITION p1 p1x',
      'ALTER TABLE t1 MODIFY COLUMN d BIGINT NULL',
    );
    await waitAlterFinished('bl', 'COLUMN');
    await sql.exec('ALTER TABLE t1 ADD ROLLUP r1 (k, v)');
    await waitAlterFinished('bl', 'ROLLUP');
    await sql.exec(
      'ALTER TABLE t1 RENAME ROLLUP r1 r2',
      'ALTER TABLE t1 DROP ROLLUP r2',
      'CREATE VIEW v1 AS SELECT k FROM t1',
      'ALTER VIEW v1 AS SELECT k, v FROM t1',
      'CREATE TABLE t2 LIKE t1',
      'ALTER TABLE t1 REPLACE WITH TABLE t2 PROPERTIES ("swap" = "true")',
      'ALTER TABLE t1 RENAME t3',
      'DROP TABLE t3',
      'RECOVER TABLE t3',
      'BACKUP SNAPSHOT bl.snap1 TO `__keep_on_local__` ON (t3)',
    );
    await waitFor(async () => (await sql.query('SHOW BACKUP FROM bl'))[0]?.['State'] === 'FINISHED', 'backup to finish');

    const dbId = BigInt(String((await sql.query("show proc '/dbs/'")).find((r) => r['DbName'] === 'bl')?.['DbId']));
    const binlogs = await readAllBinlogs('bl');
    for (const b of binlogs) expect(b.db_id).toBe(dbId);
    const seqs = binlogs.map((b) => b.commit_seq ?? 0n);
    expect([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(seqs);
    const byType = (t: number): Record<string, unknown>[] => binlogs.filter((b) => b.type === t).map(payload);
    const expected = Object.entries(BinlogType).filter(
      ([name, v]) => !['DUMMY', 'MODIFY_TABLE_ADD_OR_DROP_INVERTED_INDICES', 'INDEX_CHANGE_JOB', 'MODIFY_DISTRIBUTION_BUCKET_NUM', 'MODIFY_DISTRIBUTION_TYPE', 'MIN_UNKNOWN'].includes(name) && v >= 0,
    );
    for (const [name, type] of expected) expect(byType(type).length, name).toBeGreaterThan(0);

    expect(byType(BinlogType.UPSERT)[0]).toMatchObject({ dbId: Number(dbId) });
    expect(String(byType(BinlogType.CREATE_TABLE)[0]?.['sql'])).toContain('CREATE TABLE `t1`');
    expect(String(byType(BinlogType.ADD_PARTITION)[0]?.['sql'])).toContain('ADD PARTITION `p3`');
    expect(byType(BinlogType.DROP_PARTITION)[0]).toMatchObject({ partitionName: 'p3' });
    expect(byType(BinlogType.DROP_TABLE)[0]).toMatchObject({ tableName: 't3' });
    expect(byType(BinlogType.ALTER_JOB).map((j) => [j['type'], j['jobState']])).toContainEqual(['SCHEMA_CHANGE', 'FINISHED']);
    expect(byType(BinlogType.ALTER_JOB).map((j) => [j['type'], j['jobState']])).toContainEqual(['ROLLUP', 'FINISHED']);
    expect(String(byType(BinlogType.MODIFY_TABLE_ADD_OR_DROP_COLUMNS)[0]?.['rawSql'])).toContain('ADD COLUMN `c`');
    expect(byType(BinlogType.ALTER_DATABASE_PROPERTY)[0]).toMatchObject({ dbName: 'bl', properties: { 'binlog.ttl_seconds': '7200' } });
    expect(byType(BinlogType.MODIFY_TABLE_PROPERTY)[0]).toMatchObject({ properties: { 'binlog.ttl_seconds': '7200' } });
    expect(byType(BinlogType.BARRIER)[0]).toMatchObject({ dbName: 'bl', tableName: 't3' });
    expect(byType(BinlogType.TRUNCATE_TABLE)[0]).toMatchObject({ isEntireTable: false });
    expect(byType(BinlogType.RENAME_TABLE)[0]).toMatchObject({ oT: 't1', nT: 't3' });
    expect(byType(BinlogType.RENAME_COLUMN)[0]).toMatchObject({ colName: 'c', newColName: 'd' });
    expect(byType(BinlogType.MODIFY_COMMENT)[0]).toMatchObject({ type: 'TABLE', tblComment: 'hello' });
    expect(byType(BinlogType.RENAME_ROLLUP)[0]).toMatchObject({ oR: 'r1', nR: 'r2' });
    expect(byType(BinlogType.RENAME_PARTITION)[0]).toMatchObject({ oP: 'p1', nP: 'p1x' });
    expect(String(byType(BinlogType.MODIFY_VIEW_DEF)[0]?.['inlineViewDef'])).toContain('SELECT k, v FROM');
  });

  it('getBinlogLag, lockBinlog and getMeta', async () => {
    await sql.exec('CREATE DATABASE lag PROPERTIES ("binlog.enable" = "true")', 'CREATE TABLE lag.t (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1 PROPERTIES ("binlog.enable" = "true")', 'INSERT INTO lag.t VALUES (1)');
    const lag = await fe.getBinlogLag({ ...AUTH, db: 'lag', prev_commit_seq: 0n }, signal());
    expect(lag.status?.status_code).toBe(StatusCode.OK);
    expect(lag.lag).toBeGreaterThan(0n);
    const lock = await fe.lockBinlog({ ...AUTH, db: 'lag', job_unique_id: 'job-1', lock_commit_seq: -1n }, signal());
    expect(lock.status?.status_code).toBe(StatusCode.OK);
    expect(lock.locked_commit_seq).toBeGreaterThan(0n);
    const meta = await fe.getMeta({ ...AUTH, db: { name: 'lag' } }, signal());
    expect(meta.status?.status_code).toBe(StatusCode.OK);
    const table = meta.db_meta?.tables?.[0];
    expect(table?.name).toBe('t');
    expect(table?.partitions?.[0]?.indexes?.[0]?.tablets?.[0]?.replicas?.[0]?.version).toBe(2n);
  });

  it('beginTxn, commitTxn and rollbackTxn answer with Doris statuses and messages', async () => {
    await sql.exec('CREATE DATABASE txn', 'CREATE TABLE txn.t (k INT) DISTRIBUTED BY HASH(k) BUCKETS 1');
    const tableId = (await fe.getMeta({ ...AUTH, db: { name: 'txn' } }, signal())).db_meta?.tables?.[0]?.id ?? 0n;
    const begun = await fe.beginTxn({ ...AUTH, db: 'txn', table_ids: [tableId], label: 'ccr_l1' }, signal());
    expect(begun.status).toEqual({ status_code: StatusCode.OK });
    const again = await fe.beginTxn({ ...AUTH, db: 'txn', table_ids: [tableId], label: 'ccr_l1' }, signal());
    expect(again.status?.status_code).toBe(StatusCode.LABEL_ALREADY_EXISTS);
    expect(again.job_status).toBe('RUNNING');
    const rolled = await fe.rollbackTxn({ ...AUTH, db: 'txn', txn_id: begun.txn_id }, signal());
    expect(rolled.status?.status_code).toBe(StatusCode.OK);
    const twice = await fe.rollbackTxn({ ...AUTH, db: 'txn', txn_id: begun.txn_id }, signal());
    expect(twice.status?.error_msgs?.join()).toContain('is already aborted');
    const missing = await fe.beginTxn({ ...AUTH, db: 'txn', table_ids: [999_999n], label: 'ccr_l2' }, signal());
    expect(missing.status?.error_msgs?.join()).toContain("can't find table id: 999999");
    const second = await fe.beginTxn({ ...AUTH, db: 'txn', table_ids: [tableId], label: 'ccr_l3' }, signal());
    // Committing a transaction that loaded nothing fails as on Doris (ingest + commit: two-clusters.test.ts).
    const empty = await fe.commitTxn({ ...AUTH, db: 'txn', txn_id: second.txn_id, commit_infos: [] }, signal());
    expect(empty.status).toEqual({ status_code: StatusCode.ANALYSIS_ERROR, error_msgs: ['errCode = 2, detailMessage = all partitions have no load data'] });
    const shown = await sql.query(`SHOW TRANSACTION FROM txn WHERE id = ${second.txn_id}`);
    expect(shown[0]?.['TransactionStatus']).toBe('PREPARE');
  });

  it('getSnapshot returns the finished backup; an unknown label is SNAPSHOT_NOT_EXIST', async () => {
    await waitFor(async () => (await sql.query('SHOW BACKUP FROM bl'))[0]?.['State'] === 'FINISHED', 'backup of bl');
    const snap = await fe.getSnapshot({ ...AUTH, db: 'bl', label_name: 'snap1', snapshot_name: '', snapshot_type: 1 }, signal());
    expect(snap.status?.status_code).toBe(StatusCode.OK);
    expect(snap.meta?.length).toBeGreaterThan(0);
    expect(String(snap.job_info)).toContain('"table_commit_seq_map"');
    const none = await fe.getSnapshot({ ...AUTH, db: 'bl', label_name: 'nope', snapshot_name: '', snapshot_type: 1 }, signal());
    expect(none.status?.status_code).toBe(StatusCode.SNAPSHOT_NOT_EXIST);
  });
});

describe('BackendService over TCP', () => {
  it('ingest_binlog and query_ingest_binlog check their fields', async () => {
    const be = sim.ready.bes[0];
    if (be === undefined) throw new Error('no backend');
    const client = new BeClient({ host: '127.0.0.1', port: be.be_port });
    try {
      const ingest = await client.ingest_binlog({ txn_id: 1n }, signal());
      expect(ingest.status?.status_code).toBe(StatusCode.ANALYSIS_ERROR);
      expect(ingest.status?.error_msgs?.join()).toContain('is empty');
      const query = await client.query_ingest_binlog({ txn_id: 1n, partition_id: 1n, tablet_id: 1n, load_id: { hi: 1n, lo: 1n } }, signal());
      expect(query.status).toBe(IngestBinlogStatus.NOT_FOUND);
    } finally {
      await client.close();
    }
  });
});

describe('malformed Thrift input', () => {
  /** Sends bytes, waits for the server to close the connection, returns what it replied. */
  async function sendGarbage(port: number, bytes: Buffer): Promise<string> {
    const socket = connect(port, '127.0.0.1');
    let reply = Buffer.alloc(0);
    socket.on('data', (d: Buffer) => (reply = Buffer.concat([reply, d])));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(bytes);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`port ${port} kept the connection open`)), 5000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return reply.toString('latin1');
  }

  /** A strict binary call header for `method` followed by a struct field of the invalid type 99. */
  function badStruct(method: string): Buffer {
    const name = Buffer.from(method);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(name.length);
    return Buffer.concat([Buffer.from([0x80, 0x01, 0x00, 0x01]), length, name, Buffer.from([0, 0, 0, 7, 0x63, 0x00, 0x01, 0x00])]);
  }

  it('answers a corrupt request with an exception and closes; closes on non-Thrift bytes; keeps serving others', async () => {
    const be = sim.ready.bes[0];
    if (be === undefined) throw new Error('no backend');
    expect(await sendGarbage(sim.ready.rpc_port, badStruct('getBinlog'))).toContain('invalid field type 99');
    expect(await sendGarbage(be.be_port, badStruct('ingest_binlog'))).toContain('invalid field type 99');
    await sendGarbage(sim.ready.rpc_port, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    // A strict header announcing a 2 GiB method name.
    await sendGarbage(be.be_port, Buffer.from([0x80, 0x01, 0x00, 0x01, 0x7f, 0xff, 0xff, 0xff, 0x00]));
    const token = await fe.getMasterToken({ cluster: '', user: 'root', password: '' }, signal());
    expect(token.status?.status_code).toBe(StatusCode.OK);
    const client = new BeClient({ host: '127.0.0.1', port: be.be_port });
    try {
      expect((await client.ingest_binlog({}, signal())).status?.status_code).toBe(StatusCode.ANALYSIS_ERROR);
    } finally {
      await client.close();
    }
  });
});
