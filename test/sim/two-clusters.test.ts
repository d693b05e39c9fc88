// Two doris_sim processes, as the syncer sees a source and a destination cluster: a backup on
// one restored on the other (the destination BEs download from the source BEs over HTTP), and
// an ingest_binlog moving a rowset between them inside a destination transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BeClient } from '../../src/doris/be-client.js';
import { FeClient } from '../../src/doris/fe-client.js';
import { BinlogType, StatusCode, type TGetMetaTableMeta } from '../../src/doris/types.js';
import { parseJsonBig, stringifyJsonBig } from '../../src/util/json-big.js';
import { waitFor } from '../support/wait.js';
import { spawnSim, type SimProcess } from './sim-process.js';
import { simSql, type SimSql } from './sim-sql.js';

const AUTH = { user: 'root', passwd: '' };
const signal = (): AbortSignal => AbortSignal.timeout(10_000);
const TABLE_SQL =
  'CREATE TABLE t (k INT, v VARCHAR(10)) DUPLICATE KEY(k) PARTITION BY RANGE(k) ' +
  '(PARTITION p1 VALUES LESS THAN ("10"), PARTITION p2 VALUES LESS THAN ("20")) DISTRIBUTED BY HASH(k) BUCKETS 2 ' +
  'PROPERTIES ("binlog.enable" = "true", "replication_num" = "1")';

let src: SimProcess;
let dst: SimProcess;
let srcSql: SimSql;
let dstSql: SimSql;
let srcFe: FeClient;
let dstFe: FeClient;

beforeAll(async () => {
  [src, dst] = await Promise.all([spawnSim(['--be-count', '2']), spawnSim(['--be-count', '2'])]);
  [srcSql, dstSql] = await Promise.all([simSql(src), simSql(dst)]);
  srcFe = new FeClient({ frontends: [{ host: '127.0.0.1', port: src.ready.rpc_port }] });
  dstFe = new FeClient({ frontends: [{ host: '127.0.0.1', port: dst.ready.rpc_port }] });
});

afterAll(async () => {
  await Promise.all([srcFe.close(), dstFe.close(), srcSql.close(), dstSql.close()]);
  await Promise.all([src.stop(), dst.stop()]);
});

function sortedTablets(table: TGetMetaTableMeta, partition: string): { id: bigint; backend: bigint }[] {
  const p = table.partitions?.find((x) => x.name === partition);
  return (p?.indexes?.[0]?.tablets ?? [])
    .map((t) => ({ id: t.id ?? 0n, backend: t.replicas?.[0]?.backend_id ?? 0n }))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

describe('two simulator processes', () => {
  it('BACKUP on one, getSnapshot, restoreSnapshot on the other until SHOW RESTORE is FINISHED', async () => {
    await srcSql.exec('CREATE DATABASE bk PROPERTIES ("binlog.enable" = "true")', 'USE bk', TABLE_SQL, "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (15, 'c')");
    await srcSql.exec('BACKUP SNAPSHOT `bk`.`ccrs_bk_t_1` TO `__keep_on_local__` ON ( `t` ) PROPERTIES ("type" = "full")');
    await waitFor(async () => {
      const state = (await srcSql.query('SHOW BACKUP FROM `bk` WHERE SnapshotName = "ccrs_bk_t_1"'))[0]?.['State'];
      return state === 'FINISHED';
    }, 'the backup to finish', 10_000);
    const snap = await srcFe.getSnapshot({ ...AUTH, db: 'bk', label_name: 'ccrs_bk_t_1', snapshot_name: '', snapshot_type: 1 }, signal());
    expect(snap.status?.status_code).toBe(StatusCode.OK);
    const token = (await srcFe.getMasterToken({ cluster: '', user: 'root', password: '' }, signal())).token ?? '';
    const jobInfo = parseJsonBig(String(snap.job_info)) as Record<string, unknown>;
    jobInfo['extra_info'] = {
      be_network_map: Object.fromEntries(src.ready.bes.map((b) => [b.id, { ip: b.host, port: b.http_port }])),
      token,
    };
    await dstSql.exec('CREATE DATABASE IF NOT EXISTS `bk`');
    const restored = await dstFe.restoreSnapshot(
      {
        ...AUTH,
        db: 'bk',
        label_name: 'ccrs_bk_t_1',
        repo_name: '__keep_on_local__',
        table_refs: [{ table: 't' }],
        properties: { reserve_replica: 'true' },
        meta: snap.meta,
        job_info: Buffer.from(stringifyJsonBig(jobInfo)),
      },
      signal(),
    );
    expect(restored.status).toEqual({ status_code: StatusCode.OK });
    const done = await waitFor(async () => {
      const row = (await dstSql.query('SHOW RESTORE FROM `bk` WHERE Label = "ccrs_bk_t_1"'))[0];
      return row?.['State'] === 'FINISHED' || row?.['State'] === 'CANCELLED' ? row : undefined;
    }, 'the restore to finish', 15_000);
    expect(done).toMatchObject({ State: 'FINISHED', Label: 'ccrs_bk_t_1' });
    expect(done?.['ReplicationNum']).toMatch(/^\d+$/);
    expect(await dstSql.query('SELECT k, v FROM bk.t ORDER BY k')).toEqual(await srcSql.query('SELECT k, v FROM bk.t ORDER BY k'));
    expect((await dstSql.query('SHOW CREATE TABLE bk.t'))[0]?.['Create Table']).toContain('"is_being_synced" = "true"');
  });

  it('ingest_binlog moves a rowset from the source BE into a destination transaction', async () => {
    await srcSql.exec('CREATE DATABASE ing PROPERTIES ("binlog.enable" = "true")', 'USE ing', TABLE_SQL);
    await dstSql.exec('CREATE DATABASE ing', 'USE ing', TABLE_SQL);
    await srcSql.exec("INSERT INTO t VALUES (3, 'x'), (4, 'y'), (5, 'z')");
    const binlogs = await srcFe.getBinlog({ ...AUTH, db: 'ing', prev_commit_seq: 0n, num_acquired: 100n }, signal());
    const upsert = binlogs.binlogs?.find((b) => b.type === BinlogType.UPSERT);
    const record = parseJsonBig(upsert?.data ?? '{}') as { tableRecords: Record<string, { partitionRecords: { partitionId: number; version: number }[] }> };
    const [srcTableId, tableRecord] = Object.entries(record.tableRecords)[0] ?? [];
    const partitionRecord = tableRecord?.partitionRecords[0];
    if (srcTableId === undefined || partitionRecord === undefined) throw new Error('no partition record');

    const srcMeta = (await srcFe.getMeta({ ...AUTH, db: { name: 'ing' } }, signal())).db_meta?.tables?.[0];
    const dstMeta = (await dstFe.getMeta({ ...AUTH, db: { name: 'ing' } }, signal())).db_meta?.tables?.[0];
    if (srcMeta === undefined || dstMeta === undefined) throw new Error('no table meta');
    const srcPartition = srcMeta.partitions?.find((p) => p.id === BigInt(partitionRecord.partitionId));
    const partitionName = srcPartition?.name ?? '';
    const dstPartitionId = dstMeta.partitions?.find((p) => p.name === partitionName)?.id;
    const pairs = sortedTablets(srcMeta, partitionName).map((s, i) => ({ src: s, dst: sortedTablets(dstMeta, partitionName)[i] }));

    const txn = await dstFe.beginTxn({ ...AUTH, db: 'ing', table_ids: [dstMeta.id ?? 0n], label: 'ccrp_ing_1' }, signal());
    expect(txn.status?.status_code).toBe(StatusCode.OK);
    const commitInfos = [];
    for (const { src: s, dst: d } of pairs) {
      if (d === undefined) throw new Error('bucket counts differ');
      const srcBe = src.ready.bes.find((b) => b.id === String(s.backend));
      const dstBe = dst.ready.bes.find((b) => b.id === String(d.backend));
      if (srcBe === undefined || dstBe === undefined) throw new Error('unknown backend');
      const be = new BeClient({ host: '127.0.0.1', port: dstBe.be_port });
      try {
        const r = await be.ingest_binlog(
          {
            txn_id: txn.txn_id,
            remote_tablet_id: s.id,
            binlog_version: BigInt(partitionRecord.version),
            remote_host: srcBe.host,
            remote_port: String(srcBe.http_port),
            partition_id: dstPartitionId,
            local_tablet_id: d.id,
            load_id: { hi: 1n, lo: d.id },
          },
          signal(),
        );
        expect(r.status).toEqual({ status_code: StatusCode.OK });
      } finally {
        await be.close();
      }
      commitInfos.push({ tabletId: d.id, backendId: d.backend });
    }
    expect((await dstSql.query('SELECT count(*) AS n FROM ing.t'))[0]).toEqual({ n: '0' });
    const committed = await dstFe.commitTxn({ ...AUTH, db: 'ing', txn_id: txn.txn_id, commit_infos: commitInfos }, signal());
    expect(committed.status?.status_code).toBe(StatusCode.OK);
    expect(await dstSql.query('SELECT k, v FROM ing.t ORDER BY k')).toEqual([
      { k: 3, v: 'x' },
      { k: 4, v: 'y' },
      { k: 5, v: 'z' },
    ]);
    expect((await dstSql.query(`SHOW TRANSACTION FROM ing WHERE id = ${txn.txn_id}`))[0]?.['TransactionStatus']).toBe('VISIBLE');
  });
});
