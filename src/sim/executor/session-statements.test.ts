// Sessions: USE, SET and system variables, multi-statement replies, transactions keywords,
// KILL / SHOW PROCESSLIST, and errors reaching the client with Doris' errnos.
import { describe, expect, it } from 'vitest';
import { executorHarness } from './executor.test-helpers.js';

describe('session statements', () => {
  it('USE switches DATABASE(); an unknown database is 1049', async () => {
    const h = executorHarness();
    await h.exec('CREATE DATABASE d1');
    expect((await h.query('SELECT DATABASE()')).rows).toEqual([[null]]);
    await h.exec('USE `d1`');
    expect(await h.query('SELECT DATABASE()')).toEqual({ columns: ['DATABASE()'], rows: [['d1']] });
    const err = await h.fail('USE nope');
    expect(err.errno).toBe(1049);
    expect(err.message).toBe("errCode = 2, detailMessage = Unknown database 'nope'");
    await h.exec('USE information_schema');
    expect(h.session.db).toBe('information_schema');
  });

  it('statements needing a database fail with 1046 without one', async () => {
    const h = executorHarness();
    const err = await h.fail('SHOW TABLES');
    expect(err.errno).toBe(1046);
    expect(err.sqlState).toBe('3D000');
  });

  it('SET session and user variables; SELECT @@ and SHOW VARIABLES report them', async () => {
    const h = executorHarness();
    await h.exec("SET query_timeout = 60, @x = 'hello'");
    expect(await h.query('SELECT @@query_timeout, @x')).toEqual({ columns: ['@@query_timeout', '@x'], rows: [['60', 'hello']] });
    expect(await h.query("SHOW VARIABLES LIKE 'query_timeout'")).toEqual({
      columns: ['Variable_name', 'Value', 'Default_Value', 'Changed'],
      rows: [['query_timeout', '60', '900', '1']],
    });
    expect((await h.query('SELECT @@version_comment LIMIT 1')).rows[0]?.[0]).toMatch(/^Doris version/);
    expect((await h.fail('SET version = 1')).errno).toBe(1238);
  });

  it('SET GLOBAL applies to sessions that start later', async () => {
    const h = executorHarness();
    await h.exec('SET GLOBAL insert_timeout = 100');
    expect((await h.query("SHOW GLOBAL VARIABLES LIKE 'insert_timeout'")).rows[0]?.[1]).toBe('100');
  });

  it('SET NAMES sets the connection character sets', async () => {
    const h = executorHarness();
    await h.exec('SET NAMES utf8');
    expect((await h.query('SELECT @@character_set_client, @@character_set_results')).rows).toEqual([['utf8', 'utf8']]);
  });

  it('multi-statement queries return one result per statement and stop at the first error', async () => {
    const h = executorHarness();
    const results = await h.run('SELECT 1; SELECT 2; USE nope; SELECT 3');
    expect(results.map((r) => r.kind)).toEqual(['rows', 'rows', 'error']);
    const last = results[2];
    expect(last?.kind === 'error' ? last.error.errno : 0).toBe(1049);
  });

  it('several statements without CLIENT_MULTI_STATEMENTS are a 1064 error', async () => {
    const h = executorHarness();
    h.session.multiStatements = false;
    expect((await h.fail('SELECT 1; SELECT 2')).errno).toBe(1064);
    expect(await h.query('SELECT 1;')).toEqual({ columns: ['1'], rows: [['1']] });
  });

  it('unknown SQL is 1064; statements Doris has but the simulator lacks are 1235', async () => {
    const h = executorHarness();
    const parse = await h.fail('FROBNICATE THE TABLES');
    expect(parse.errno).toBe(1064);
    expect(parse.message).toContain("'FROBNICATE'");
    const unsupported = await h.fail("GRANT SELECT_PRIV ON *.* TO 'u'");
    expect(unsupported.errno).toBe(1235);
    expect(unsupported.message).toContain('GRANT is not supported');
    expect((await h.fail('')).errno).toBe(1064);
  });

  it('COMMIT and ROLLBACK outside a transaction are no-ops; BEGIN is refused', async () => {
    const h = executorHarness();
    expect((await h.exec('COMMIT')).kind).toBe('ok');
    expect((await h.exec('ROLLBACK')).kind).toBe('ok');
    expect((await h.fail('BEGIN')).errno).toBe(1235);
  });

  it('KILL reaches the connection registry; an unknown id is 1094', async () => {
    const killed: [number, boolean][] = [];
    const h = executorHarness({
      connections: {
        kill: (id, queryOnly) => {
          killed.push([id, queryOnly]);
          return id === 5;
        },
        processList: () => [{ id: 1, user: 'root', host: '127.0.0.1:5000', db: 'd', command: 'Query', timeSeconds: 0, info: 'SHOW PROCESSLIST' }],
      },
    });
    await h.exec('KILL QUERY 5');
    expect(killed).toEqual([[5, true]]);
    expect((await h.fail('KILL 6')).errno).toBe(1094);
    const list = await h.objects('SHOW PROCESSLIST');
    expect(list[0]).toMatchObject({ CurrentConnected: 'Yes', Id: '1', User: 'root', Db: 'd', Command: 'Query', Info: 'SHOW PROCESSLIST' });
  });

  it('SET PASSWORD changes the stored password', async () => {
    const h = executorHarness();
    await h.exec("SET PASSWORD FOR 'root' = PASSWORD('secret')");
    expect(h.model.system.checkPassword('root', 'secret')).toBe(true);
  });

  it('frontends() marks the FE the session is connected to', async () => {
    const h = executorHarness({ frontendName: 'nobody' });
    expect((await h.objects('SELECT CurrentConnected FROM frontends()'))[0]?.['CurrentConnected']).toBe('No');
  });
});
