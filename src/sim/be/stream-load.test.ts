import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createBinlogTable, ROOT, startTestCluster, type TestCluster } from '../env.test-helpers.js';
import { decodeSeparator } from './stream-load.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function cluster(): Promise<TestCluster> {
  const c = await startTestCluster();
  cleanups.push(() => c.close());
  createBinlogTable(c.env, 'db', 't');
  return c;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function put(port: number, path: string, body: string, headers: Record<string, string>, auth: string | null = `${ROOT.user}:${ROOT.passwd}`): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path, method: 'PUT', headers: { ...headers, ...(auth === null ? {} : { authorization: `Basic ${Buffer.from(auth).toString('base64')}` }) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function bePort(c: TestCluster): number {
  return c.bes[0]?.httpPort ?? 0;
}

async function load(c: TestCluster, body: string, headers: Record<string, string>, auth: string | null = `${ROOT.user}:${ROOT.passwd}`): Promise<Record<string, unknown>> {
  const r = await put(bePort(c), '/api/db/t/_stream_load', body, headers, auth);
  expect(r.status).toBe(200);
  return JSON.parse(r.body) as Record<string, unknown>;
}

describe('stream load', () => {
  it('loads CSV through a transaction with an UPSERT binlog and answers with Doris keys', async () => {
    const c = await cluster();
    const r = await load(c, '1,a\n2,b\n150,c\n', { label: 'l1', column_separator: ',' });
    expect(r).toMatchObject({ Label: 'l1', Status: 'Success', Message: 'OK', NumberTotalRows: 3, NumberLoadedRows: 3, NumberFilteredRows: 0, LoadBytes: 14, TwoPhaseCommit: 'false' });
    expect(Object.keys(r)).toEqual(expect.arrayContaining(['TxnId', 'Comment', 'NumberUnselectedRows', 'LoadTimeMs', 'BeginTxnTimeMs', 'CommitAndPublishTimeMs']));
    expect(c.env.model.txns.get(BigInt(r['TxnId'] as number))?.sourceType).toBe('BACKEND_STREAMING');
    expect(c.env.model.scan('db', 't').rows.length).toBe(3);
    const again = await load(c, '3,d\n', { label: 'l1', column_separator: ',' });
    expect(again).toMatchObject({ Status: 'Label Already Exists', ExistingJobStatus: 'FINISHED' });
    expect(again['Message']).toBe(`errCode = 2, detailMessage = Label [l1] has already been used, relate to txn [${r['TxnId'] as number}]`);
  });

  it('loads JSON arrays and JSON lines, honours columns, filters bad rows under max_filter_ratio', async () => {
    const c = await cluster();
    expect(await load(c, '[{"k":1,"v":"x"},{"k":2,"v":"y"}]', { format: 'json', strip_outer_array: 'true' })).toMatchObject({ Status: 'Success', NumberLoadedRows: 2 });
    expect(await load(c, '{"k":3,"v":"z"}\n{"k":4}\n', { format: 'json', read_json_by_line: 'true' })).toMatchObject({ Status: 'Success', NumberLoadedRows: 2 });
    expect(await load(c, '[{"k":5}]', { format: 'json' })).toMatchObject({ Status: 'Fail' });
    expect(await load(c, 'q\t6\n', { columns: 'v, k' })).toMatchObject({ Status: 'Success', NumberLoadedRows: 1 });
    expect(await load(c, '7\tok\nnot-a-number\tbad\n', {})).toMatchObject({ Status: 'Fail', Message: '[DATA_QUALITY_ERROR]too many filtered rows' });
    const partial = await load(c, '8\tok\nnot-a-number\tbad\n', { max_filter_ratio: '0.5' });
    expect(partial).toMatchObject({ Status: 'Success', NumberLoadedRows: 1, NumberFilteredRows: 1 });
    expect(partial['ErrorURL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/_load_error_log\?file=/);
    const keys = c.env.model.scan('db', 't').rows.map((r) => r[0]).sort((a, b) => Number(a) - Number(b));
    expect(keys).toEqual([1, 2, 3, 4, 6, 8]);
  });

  it('rejects missing and wrong credentials; reports a held publish as Publish Timeout', async () => {
    const c = await cluster();
    expect(await load(c, '1\ta\n', {}, null)).toMatchObject({ Status: 'Fail', Message: 'no valid Basic authorization' });
    const denied = await load(c, '1\ta\n', {}, 'root:wrong');
    expect(denied['Status']).toBe('Fail');
    expect(denied['Message']).toMatch(/Access denied for user 'root'/);
    c.env.faults.holdPublish(true);
    expect(await load(c, '1\ta\n', { label: 'held' })).toMatchObject({ Status: 'Publish Timeout', Message: 'transaction commit successfully, BUT data will be visible later' });
    c.env.faults.holdPublish(false);
    expect(c.env.model.scan('db', 't').rows).toEqual([[1, 'a']]);
  });

  it('the FE authenticates and redirects with 307 to a BE that executes the load', async () => {
    const c = await cluster();
    const fePort = c.fes[0]?.httpPort ?? 0;
    const noAuth = await put(fePort, '/api/db/t/_stream_load', '1\ta\n', {}, null);
    expect(noAuth.status).toBe(401);
    expect(JSON.parse(noAuth.body)).toMatchObject({ code: 401, data: 'Need auth information.' });
    const r = await put(fePort, '/api/db/t/_stream_load', '1\ta\n', { label: 'via-fe' });
    expect(r.status).toBe(307);
    const location = new URL(r.headers.location ?? '');
    expect(c.bes.map((b) => b.httpPort)).toContain(Number(location.port));
    expect(location.pathname).toBe('/api/db/t/_stream_load');
    const followed = await put(Number(location.port), location.pathname, '1\ta\n', { label: 'via-fe' }, `${decodeURIComponent(location.username)}:${decodeURIComponent(location.password)}`);
    expect(JSON.parse(followed.body)).toMatchObject({ Status: 'Success', Label: 'via-fe' });
  });

  it('handles large bodies quickly', async () => {
    const c = await cluster();
    const lines: string[] = [];
    for (let i = 0; i < 50_000; i++) lines.push(`${i % 199}\tvalue-${i}`);
    const started = Date.now();
    const r = await load(c, `${lines.join('\n')}\n`, { label: 'big' });
    expect(r).toMatchObject({ Status: 'Success', NumberLoadedRows: 50_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('decodes hex separators', () => {
    expect(decodeSeparator('\\x01', '\t')).toBe('\u0001');
    expect(decodeSeparator(undefined, '\t')).toBe('\t');
    expect(decodeSeparator('|', '\t')).toBe('|');
  });
});
