import http from 'node:http';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { RpcError } from '../doris/thrift/rpc-error.js';
import { BinlogType, StatusCode } from '../doris/types.js';
import { createBinlogTable, ROOT, testCluster } from './env.test-helpers.js';
import type { FaultState } from './faults.js';

const signal = new AbortController().signal;

function request(port: number, method: string, path: string, body?: string, auth = `${ROOT.user}:${ROOT.passwd}`): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

describe('method faults', () => {
  it('fails the next N FE calls with a status, then answers normally', async () => {
    const c = await testCluster();
    c.env.faults.failNext({ service: 'fe', method: 'getBackendMeta', count: 2, status: { code: StatusCode.INTERNAL_ERROR, message: 'boom' } });
    for (let i = 0; i < 2; i++) {
      expect((await c.fe.getBackendMeta({ ...ROOT }, signal)).status).toEqual({ status_code: StatusCode.INTERNAL_ERROR, error_msgs: ['boom'] });
    }
    expect((await c.fe.getBackendMeta({ ...ROOT }, signal)).status.status_code).toBe(StatusCode.OK);
  });

  it('drops the connection of a faulted call and delays another', async () => {
    const c = await testCluster();
    c.env.faults.failNext({ service: 'fe', method: 'getMasterToken', drop: true });
    await expect(c.fe.getMasterToken({ user: ROOT.user, password: ROOT.passwd }, signal)).rejects.toBeInstanceOf(RpcError);
    expect((await c.fe.getMasterToken({ user: ROOT.user, password: ROOT.passwd }, signal)).token).toBe(c.env.clusterToken);
    c.env.faults.failNext({ service: 'fe', method: '*', delayMs: 150 });
    const started = Date.now();
    await c.fe.getBackendMeta({ ...ROOT }, signal);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('fails BE Thrift and BE HTTP actions of one node', async () => {
    const c = await testCluster();
    const [b0, b1] = c.bes;
    c.env.faults.failNext({ service: 'be', method: 'ingest_binlog', node: String(b1?.id), status: { code: StatusCode.TIMEOUT, message: 'slow disk' } });
    expect((await c.be(b0?.id ?? 0n).ingest_binlog({}, signal)).status?.error_msgs).toEqual(['txn_id is empty']);
    expect((await c.be(b1?.id ?? 0n).ingest_binlog({}, signal)).status).toEqual({ status_code: StatusCode.TIMEOUT, error_msgs: ['slow disk'] });
    c.env.faults.failNext({ service: 'be_http', method: 'show_config', status: { code: 1, message: 'nope' } });
    const failed = await request(b0?.httpPort ?? 0, 'GET', '/api/show_config?conf_item=enable_feature_binlog');
    expect(failed).toEqual({ status: 500, body: 'nope' });
    const ok = await request(b0?.httpPort ?? 0, 'GET', '/api/show_config?conf_item=enable_feature_binlog');
    expect(JSON.parse(ok.body)).toEqual([['enable_feature_binlog', 'bool', 'true', 'false']]);
  });
});

describe('cluster faults', () => {
  it('garbage-collects binlogs so getBinlog answers TOO_OLD with the DUMMY', async () => {
    const c = await testCluster();
    createBinlogTable(c.env, 'db', 't');
    c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[1, 'a']] });
    c.env.model.loads.load('db', 't', { kind: 'rows', rows: [[2, 'b']] });
    const all = await c.fe.getBinlog({ ...ROOT, db: 'db', prev_commit_seq: 0n, num_acquired: 10n }, signal);
    const firstSeq = all.binlogs?.[0]?.commit_seq ?? 0n;
    c.env.faults.gcBinlogsBefore(firstSeq);
    const old = await c.fe.getBinlog({ ...ROOT, db: 'db', prev_commit_seq: 0n }, signal);
    expect(old.status?.status_code).toBe(StatusCode.BINLOG_TOO_OLD_COMMIT_SEQ);
    expect(old.binlogs?.[0]?.type).toBe(BinlogType.DUMMY);
    expect(old.binlogs?.[0]?.commit_seq).toBe(firstSeq);
  });

  it('stops a BE (ports closed, reported dead) and restarts it on the same ports', async () => {
    const c = await testCluster();
    const be = c.bes[1];
    if (!be) throw new Error('no BE');
    const [bePort, httpPort] = [be.bePort, be.httpPort];
    await c.env.faults.stopBackend(be.id);
    expect(await canConnect(bePort)).toBe(false);
    expect(await canConnect(httpPort)).toBe(false);
    expect((await c.fe.getBackendMeta({ ...ROOT }, signal)).backends?.find((b) => b.id === be.id)?.is_alive).toBe(false);
    expect(c.env.faults.state().stoppedBackends).toEqual([String(be.id)]);
    await c.env.faults.restartBackend(be.id);
    expect([be.bePort, be.httpPort]).toEqual([bePort, httpPort]);
    expect((await c.be(be.id).ingest_binlog({}, signal)).status?.error_msgs).toEqual(['txn_id is empty']);
    expect((await c.fe.getBackendMeta({ ...ROOT }, signal)).backends?.find((b) => b.id === be.id)?.is_alive).toBe(true);
  });
});

describe('admin endpoint', () => {
  it('applies every fault operation from JSON and reports the state', async () => {
    const c = await testCluster({ frontends: 2 });
    const port = c.fes[0]?.httpPort ?? 0;
    const post = (body: unknown): Promise<{ status: number; body: string }> => request(port, 'POST', '/api/__sim/faults', JSON.stringify(body));
    const stateOf = async (body: unknown): Promise<FaultState> => (JSON.parse((await post(body)).body) as { state: FaultState }).state;
    expect((await request(port, 'GET', '/api/__sim/state', undefined, 'root:wrong')).status).toBe(401);
    const armed = await post({ action: 'fail', service: 'fe', method: 'getMeta', count: 3, status: { code: 6, message: 'x' } });
    expect(armed.status).toBe(200);
    expect(JSON.parse(armed.body)).toMatchObject({ ok: true, state: { methodFaults: [{ service: 'fe', method: 'getMeta', remaining: 3, action: 'status 6: x' }] } });
    expect((await stateOf({ action: 'clear' })).methodFaults).toEqual([]);
    expect((await post({ action: 'fail', service: 'fe', method: 'getMeta' })).status).toBe(400);
    expect((await post({ action: 'nope' })).status).toBe(400);
    expect((await request(port, 'POST', '/api/__sim/faults', '{bad')).status).toBe(400);
    expect((await stateOf({ action: 'switchMaster' })).master).toBe(c.fes[1]?.name);
    expect((await stateOf({ action: 'holdPublish', hold: true })).publishHeld).toBe(true);
    await post({ action: 'holdPublish', hold: false });
    const id = String(c.bes[2]?.id);
    expect((await stateOf({ action: 'stopBackend', id })).stoppedBackends).toEqual([id]);
    expect((await stateOf({ action: 'restartBackend', id })).stoppedBackends).toEqual([]);
    createBinlogTable(c.env, 'db', 't');
    expect((await post({ action: 'gcBinlogs', before: '5' })).status).toBe(200);
    const state = JSON.parse((await request(port, 'GET', '/api/__sim/state')).body) as { frontends: { isMaster: boolean }[]; backends: unknown[]; databases: { name: string }[] };
    expect(state.frontends.map((f) => f.isMaster)).toEqual([false, true]);
    expect(state.backends).toHaveLength(3);
    expect(state.databases.map((d) => d.name)).toContain('db');
  });
});
