import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinlogTable, startTestCluster, type TestCluster } from '../env.test-helpers.js';
import { decodeSegment, encodeSegment } from './rowset-codec.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cluster(): Promise<TestCluster> {
  const c = await startTestCluster({ manual: true });
  cleanups.push(() => c.close());
  return c;
}

function get(port: number, path: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function rawExchange(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(bytes));
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
}

describe('BE HTTP server', () => {
  it('answers garbage with 400 and keeps serving', async () => {
    const c = await cluster();
    const port = c.bes[0]?.httpPort ?? 0;
    const reply = await rawExchange(port, Buffer.from([0x80, 0x01, 0x00, 0x01, 0xff, 0xfe, 0x0d, 0x0a, 0x0d, 0x0a]));
    expect(reply.startsWith('HTTP/1.1 400')).toBe(true);
    const health = await get(port, '/api/health');
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body.toString())).toEqual({ status: 'OK', msg: 'To Be Added' });
    expect((await get(port, '/no/such/path')).status).toBe(404);
  });

  it('serves show_config rows and binlog download errors like a BE', async () => {
    const c = await cluster();
    const port = c.bes[0]?.httpPort ?? 0;
    const all = JSON.parse((await get(port, '/api/show_config')).body.toString()) as string[][];
    expect(all.map((r) => r[0])).toContain('enable_feature_binlog');
    expect(all.every((r) => r.length === 4)).toBe(true);
    const bad = await get(port, '/api/_binlog/_download?method=nope');
    expect([bad.status, bad.body.toString()]).toEqual([501, 'invalid method: nope']);
    const noParam = await get(port, '/api/_binlog/_download?method=get_binlog_info&tablet_id=1');
    expect([noParam.status, noParam.body.toString()]).toEqual([500, 'parameter binlog_version not specified in url.']);
    const noTablet = await get(port, '/api/_binlog/_download?method=get_binlog_info&tablet_id=1&binlog_version=2');
    expect(noTablet.body.toString()).toBe('tablet is not exist, tablet_id=1');
  });

  it('serves binlog rowsets with size and MD5, and snapshot files only with the cluster token', async () => {
    const c = await cluster();
    createBinlogTable(c.env, 'db', 't', { properties: { replication_num: '1', 'binlog.enable': 'true' } });
    c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a']] });
    const t = c.env.model.catalog.table('db', 't');
    if (t?.kind !== 'OLAP') throw new Error('no table');
    const p = [...t.partitions.values()][0];
    const tabletId = (p?.tablets.get(t.baseIndexId) ?? []).find((id) => (c.env.model.storage.tablet(id)?.replicas[0]?.rowsets.length ?? 0) > 0) ?? 0n;
    const beId = c.env.model.storage.tablet(tabletId)?.replicas[0]?.backendId ?? 0n;
    const port = c.env.model.system.backend(beId)?.httpPort ?? 0;
    const info = (await get(port, `/api/_binlog/_download?method=get_binlog_info&tablet_id=${tabletId}&binlog_version=2`)).body.toString();
    const [rowsetId, segments] = info.split(':');
    expect(segments).toBe('1');
    const seg = `/api/_binlog/_download?method=get_segment_file&tablet_id=${tabletId}&rowset_id=${rowsetId}&segment_index=0`;
    const head = await get(port, seg, 'HEAD');
    const body = await get(port, `${seg}&acquire_md5=true`);
    expect(Number(head.headers['content-length'])).toBe(body.body.length);
    expect(body.headers['content-md5']).toMatch(/^[0-9a-f]{32}$/);
    expect(decodeSegment(body.body).rows).toEqual([[1, 'a']]);

    c.env.backups.start({ db: 'db', label: 's', repo: '__keep_on_local__', mode: 'ON', tables: [{ name: 't' }], properties: {} });
    for (let i = 0; i < 7; i++) c.env.step();
    const job = JSON.parse(c.env.backups.getSnapshot('s')?.jobInfo.toString() ?? '{}') as { tablet_snapshot_path_map: Record<string, string>; tablet_be_map: Record<string, number> };
    const path = job.tablet_snapshot_path_map[String(tabletId)] ?? '';
    const owner = c.env.model.system.backend(BigInt(job.tablet_be_map[String(tabletId)] ?? 0));
    const file = encodeURIComponent(`${path}/${tabletId}`);
    const wrong = await get(owner?.httpPort ?? 0, `/api/_tablet/_download?token=forged&file=${file}&channel=ingest_binlog`);
    expect([wrong.status, wrong.body.toString()]).toEqual([200, '[INTERNAL_ERROR]invalid token.']);
    const listing = await get(owner?.httpPort ?? 0, `/api/_tablet/_download?token=${c.env.clusterToken}&file=${file}&channel=ingest_binlog`);
    expect(listing.body.toString()).toMatch(/^\d+\n$/);
  });
});

describe('rowset codec', () => {
  it('round-trips every value kind, delete signs and predicates, and rejects truncated files', () => {
    const data = { columnUids: [0, 3, 7], rows: [[1, 2n ** 70n, 'ü'], [null, -5n, '']], deleteSign: [0, 1], deletePredicate: 'k > 1' };
    expect(decodeSegment(encodeSegment(data))).toEqual(data);
    expect(() => decodeSegment(encodeSegment(data).subarray(0, 20))).toThrow(RangeError);
    expect(() => decodeSegment(Buffer.from('garbage!'))).toThrow(RangeError);
  });
});
