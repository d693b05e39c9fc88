import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FeClient, type FeClientOptions } from './fe-client.js';
import { FRONTEND_METHODS, type FrontendMethod, type FrontendService } from './ports.js';
import { startThriftServer, type ThriftServer } from './thrift/server.js';
import { StatusCode, type TNetworkAddress } from './types.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const signal = new AbortController().signal;
const OK = { status_code: StatusCode.OK };
const big = 2n ** 63n - 2n;
const auth = { user: 'root', passwd: 's3cret-pw' };

type Req<M extends FrontendMethod> = Parameters<FrontendService[M]>[0];
type Res<M extends FrontendMethod> = Awaited<ReturnType<FrontendService[M]>>;
type Case<M extends FrontendMethod> = { req: Req<M>; res: Res<M> };

/** One request and one reply per method, covering every kind of field. */
const cases: { [M in FrontendMethod]: Case<M> } = {
  getBinlog: {
    req: { ...auth, db: 'db', table_id: big, prev_commit_seq: 2n ** 53n + 1n, num_acquired: 16n },
    res: {
      status: OK,
      binlogs: [
        { commit_seq: 2n ** 53n + 2n, timestamp: 1_700_000_000_000n, type: 0, db_id: 10n, table_ids: [11n, big], data: '{"a":1}' },
        { commit_seq: -1n, type: 7, belong: -1n, remove_enable_cache: false },
      ],
    },
  },
  getBinlogLag: { req: { ...auth, db: 'db', prev_commit_seq: 5n }, res: { status: OK, lag: 3n, first_commit_seq: -1n } },
  lockBinlog: { req: { ...auth, db: 'db', job_unique_id: 'j', lock_commit_seq: -1n }, res: { status: OK, locked_commit_seq: big } },
  getSnapshot: {
    req: { ...auth, db: 'db', table: '', label_name: 'ccrs_1', snapshot_name: '', snapshot_type: 1 },
    res: { status: OK, meta: Buffer.from([0, 1, 254, 255]), job_info: Buffer.from('{"id":1}'), expiredAt: 1n, commit_seq: big },
  },
  restoreSnapshot: {
    req: {
      ...auth,
      db: 'db',
      label_name: 'l',
      repo_name: '__keep_on_local__',
      table_refs: [{ table: 't', alias_name: 'a' }, { table: 'u' }],
      properties: { reserve_replica: 'true' },
      meta: Buffer.alloc(70_000, 7), // larger than one TCP read
      job_info: Buffer.from('{}'),
      atomic_restore: true,
    },
    res: { status: { status_code: StatusCode.ANALYSIS_ERROR, error_msgs: ['bad', 'worse'] } },
  },
  beginTxn: {
    req: { ...auth, db: 'db', table_ids: [1n, big], label: 'ccrj-1', request_id: { hi: -1n, lo: big } },
    res: { status: OK, txn_id: big, db_id: 9n, sub_txn_ids: [] },
  },
  commitTxn: {
    req: { ...auth, db: 'db', txn_id: big, commit_infos: [{ tabletId: 1n, backendId: big }] },
    res: { status: { status_code: StatusCode.PUBLISH_TIMEOUT, error_msgs: ['visible later'] } },
  },
  rollbackTxn: { req: { ...auth, db: 'db', txn_id: 4n, reason: 'r' }, res: { status: OK } },
  getMasterToken: { req: { cluster: '', user: 'root', password: 's3cret-pw' }, res: { status: OK, token: 'tok' } },
  getMeta: {
    req: { ...auth, db: { id: 10n, tables: [{ id: 11n }, { id: big }] } },
    res: {
      status: OK,
      db_meta: {
        id: 10n,
        name: 'db',
        tables: [{ id: 11n, name: 't', partitions: [{ id: 12n, range: '[]', indexes: [{ id: 13n, name: 't', tablets: [{ id: 14n, replicas: [{ id: 15n, backend_id: 16n, version: 2n }] }] }] }] }],
        dropped_tables: [big],
        dropped_table_map: { [big.toString()]: 99n, '-5': 1n },
      },
    },
  },
  getBackendMeta: {
    req: { ...auth, cluster: '' },
    res: { status: OK, backends: [{ host: 'be1', be_port: 9060, http_port: 8040, brpc_port: 8060, is_alive: true, id: 10001n }] },
  },
};

interface Fe {
  server: ThriftServer;
  calls: FrontendMethod[];
  received: unknown[];
}

/** A fake FE: answers every method with `reply(method, request)` (default: the canned case). */
async function fe(reply?: (m: FrontendMethod, req: unknown, sig: AbortSignal) => unknown): Promise<Fe> {
  const calls: FrontendMethod[] = [];
  const received: unknown[] = [];
  const handler = Object.fromEntries(
    FRONTEND_METHODS.map((m) => [
      m,
      async (req: unknown, sig: AbortSignal) => {
        calls.push(m);
        received.push(req);
        return reply ? reply(m, req, sig) : cases[m].res;
      },
    ]),
  ) as unknown as FrontendService;
  const server = await startThriftServer({ service: 'frontend', handler });
  cleanups.push(() => server.close());
  return { server, calls, received };
}

function notMaster(master?: TNetworkAddress) {
  return () => ({ status: { status_code: StatusCode.NOT_MASTER, error_msgs: ['FE is not master'] }, master_address: master });
}

function feClient(options: Partial<FeClientOptions> & Pick<FeClientOptions, 'frontends'>): FeClient {
  const c = new FeClient({ connectTimeoutMs: 1_000, ...options });
  cleanups.push(() => c.close());
  return c;
}

const at = (f: Fe) => ({ host: '127.0.0.1', port: f.server.port });

async function deadPort(): Promise<number> {
  const s = await startThriftServer({ service: 'frontend', handler: {} as FrontendService });
  const port = s.port;
  await s.close();
  return port;
}

describe('FeClient', () => {
  it('round-trips every FrontendService method exactly', async () => {
    const master = await fe();
    const c = feClient({ frontends: [at(master)] });
    for (const m of FRONTEND_METHODS) {
      const call = c[m].bind(c) as (req: unknown, s: AbortSignal) => Promise<unknown>;
      const res = await call(cases[m].req, signal);
      expect(res, m).toEqual(cases[m].res);
      expect(master.received.at(-1), m).toEqual(cases[m].req);
    }
    expect(master.calls).toEqual(FRONTEND_METHODS);
    const lag = await c.getBinlogLag({ db: 'db' }, signal);
    expect(lag.next_commit_seq).toBeUndefined();
    expect(master.received.at(-1)).toEqual({ db: 'db' });
  });

  it('follows master_address and remembers the master', async () => {
    const master = await fe();
    const follower = await fe(notMaster({ hostname: '127.0.0.1', port: master.server.port }));
    const c = feClient({ frontends: [at(follower), at(master)] });
    expect(await c.getBinlog(cases.getBinlog.req, signal)).toEqual(cases.getBinlog.res);
    expect(c.masterAddress).toBe(`127.0.0.1:${master.server.port}`);
    await c.commitTxn(cases.commitTxn.req, signal);
    expect(follower.calls).toEqual(['getBinlog']);
    expect(master.calls).toEqual(['getBinlog', 'commitTxn']);
  });

  it('maps a private master address through the host mapping', async () => {
    const master = await fe();
    const follower = await fe(notMaster({ hostname: '10.0.0.7', port: master.server.port }));
    const c = feClient({ frontends: [at(follower)], hostMapping: { '10.0.0.7': '127.0.0.1' } });
    expect((await c.getMasterToken(cases.getMasterToken.req, signal)).token).toBe('tok');
    expect(c.masterAddress).toBe(`127.0.0.1:${master.server.port}`);
  });

  it('tries the next FE on NOT_MASTER without master_address', async () => {
    const master = await fe();
    const follower = await fe(notMaster());
    const c = feClient({ frontends: [at(follower), at(master)] });
    expect((await c.beginTxn(cases.beginTxn.req, signal)).txn_id).toBe(big);
    expect(c.masterAddress).toBe(`127.0.0.1:${master.server.port}`);
    expect(follower.calls).toEqual(['beginTxn']);
  });

  it('tries the next FE when the connection is refused', async () => {
    const master = await fe();
    const dead = await deadPort();
    const c = feClient({ frontends: [{ host: '127.0.0.1', port: dead }, at(master)] });
    expect((await c.getBinlog(cases.getBinlog.req, signal)).binlogs).toHaveLength(2);
    expect(c.masterAddress).toBe(`127.0.0.1:${master.server.port}`);
  });

  it('tries each FE once, then returns the last NOT_MASTER reply', async () => {
    // a and b name each other as master: a redirect loop without the per-call bound.
    const ports = { a: 0, b: 0 };
    const a = await fe(() => notMaster({ hostname: '127.0.0.1', port: ports.b })());
    const b = await fe(() => notMaster({ hostname: '127.0.0.1', port: ports.a })());
    ports.a = a.server.port;
    ports.b = b.server.port;
    const c = feClient({ frontends: [at(a), at(b)] });
    const res = await c.getBinlog({}, signal);
    expect(res.status?.status_code).toBe(StatusCode.NOT_MASTER);
    expect(a.calls).toEqual(['getBinlog']);
    expect(b.calls).toEqual(['getBinlog']);
  });

  it('rejects with a connect error when no FE can be reached', async () => {
    const c = feClient({ frontends: [{ host: '127.0.0.1', port: await deadPort() }, { host: '127.0.0.1', port: await deadPort() }] });
    await expect(c.getBinlog({}, signal)).rejects.toMatchObject({ kind: 'connect', category: 'rpc' });
  });

  it('does not fail over on a timeout, and gives commitTxn its own deadline', async () => {
    const hang = (_m: FrontendMethod, _req: unknown, sig: AbortSignal) =>
      new Promise((_, reject) => sig.addEventListener('abort', () => reject(new Error('gone'))));
    const slow = await fe(hang);
    const other = await fe();
    const c = feClient({ frontends: [at(slow), at(other)], rpcTimeoutMs: 40, commitTxnTimeoutMs: 250 });
    let started = Date.now();
    await expect(c.getBinlog({}, signal)).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(200);
    started = Date.now();
    await expect(c.commitTxn({}, signal)).rejects.toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(other.calls).toEqual([]);
  });

  it('rejects with the abort reason and does not fail over', async () => {
    const slow = await fe((_m, _r, sig) => new Promise((_, reject) => sig.addEventListener('abort', () => reject(new Error('x')))));
    const other = await fe();
    const c = feClient({ frontends: [at(slow), at(other)] });
    const ctl = new AbortController();
    const pending = c.getBinlog({}, ctl.signal);
    while (slow.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    const reason = new Error('stop');
    ctl.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(other.calls).toEqual([]);
  });

  it('replaces its FE list', async () => {
    const first = await fe();
    const second = await fe();
    const c = feClient({ frontends: [at(first)] });
    await c.getBinlog({}, signal);
    c.setFrontends([at(second)]);
    expect(c.frontends).toEqual([`127.0.0.1:${second.server.port}`]);
    expect(c.masterAddress).toBe(`127.0.0.1:${second.server.port}`);
    await c.getBinlog({}, signal);
    expect(second.calls).toEqual(['getBinlog']);
    expect(() => c.setFrontends([])).toThrow(RangeError);
  });

  it('never logs the password', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const log = pino({ level: 'trace' }, sink);
    const master = await fe();
    const follower = await fe(notMaster({ hostname: '127.0.0.1', port: master.server.port }));
    const c = feClient({ frontends: [{ host: '127.0.0.1', port: await deadPort() }, at(follower)], log });
    await c.getBinlog(cases.getBinlog.req, signal);
    await c.getMasterToken(cases.getMasterToken.req, signal);
    expect(lines.length).toBeGreaterThan(1); // the failover and the redirect were logged
    expect(lines.join('')).not.toContain('s3cret-pw');
  });
});
