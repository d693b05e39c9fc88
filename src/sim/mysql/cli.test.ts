// The real `mariadb` / `mysql` command-line client in batch mode against the server.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { INT, MemoryTables, VARCHAR } from '../sql/memory-tables.test-helpers.js';
import { startMysqlServer, type MysqlServer } from './server.js';
import { memoryQueryHandler } from './test-query-handler.test-helpers.js';

const CLIENT = ['/usr/bin/mariadb', '/usr/bin/mysql'].find((p) => existsSync(p));
const SCRIPT = existsSync('/usr/bin/script') ? '/usr/bin/script' : undefined;

let server: MysqlServer;

beforeAll(async () => {
  const tables = new MemoryTables().addTable(
    'db1',
    't',
    [
      ['k', INT],
      ['v', VARCHAR],
    ],
    [
      [1, 'one'],
      [2, null],
    ],
  );
  server = await startMysqlServer({
    port: 0,
    log: createLogger({ level: 'silent' }),
    authenticate: (r) => (r.user === 'admin' ? r.passwordMatches('secret') : r.user === 'root' && r.passwordMatches('')),
    onQuery: memoryQueryHandler(tables),
  });
});

afterAll(async () => {
  await server.close();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(CLIENT as string, ['-h127.0.0.1', `-P${server.port}`, '--connect-timeout=5', ...args], { timeout: 15_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

describe.skipIf(CLIENT === undefined)('mysql command-line client (batch mode)', () => {
  it('runs several statements with -e, including USE (COM_INIT_DB)', async () => {
    const r = await cli(['-uroot', '-e', "select 1; show databases like 'db%'; use db1; select k, v from t order by k; select @@version_comment"]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(['1', '1', 'Database', 'db1', 'k\tv', '1\tone', '2\tNULL', '@@version_comment', 'Doris version doris-2.1.8-rc01', ''].join('\n'));
  });

  it('logs in with a password and a default database', async () => {
    const r = await cli(['-uadmin', '-psecret', 'db1', '--table', '-e', 'select count(*) as n from t']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| n    |');
    expect(r.stdout).toContain('|    2 |');
  });

  it('prints server errors with errno and SQLSTATE', async () => {
    const denied = await cli(['-uadmin', '-pwrong', '-e', 'select 1']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain("ERROR 1045 (28000): Access denied for user 'admin@127.0.0.1' (using password: YES)");
    const syntax = await cli(['-uroot', '-e', 'selec 1']);
    expect(syntax.code).toBe(1);
    expect(syntax.stderr).toContain('ERROR 1064 (42000) at line 1: errCode = 2, detailMessage = ');
    const unknownDb = await cli(['-uroot', 'nope', '-e', 'select 1']);
    expect(unknownDb.code).toBe(1);
    expect(unknownDb.stderr).toContain("ERROR 1049 (42000): errCode = 2, detailMessage = Unknown database 'nope'");
  });
});

describe.skipIf(CLIENT === undefined || SCRIPT === undefined)('mysql command-line client (interactive, under a pseudo-terminal)', () => {
  it('starts a session, switches databases and quits', async () => {
    const command = `${CLIENT as string} -h127.0.0.1 -P${server.port} -uroot`;
    const output = await new Promise<string>((resolve, reject) => {
      const child = execFile(SCRIPT as string, ['-qec', command, '/dev/null'], { timeout: 15_000 }, (err, stdout) => (err ? reject(new Error(err.message)) : resolve(stdout)));
      child.stdin?.end('select 41 + 1 as answer;\nuse db1;\nselect v from t where k = 1;\nquit\n');
    });
    expect(output).toContain('| answer |');
    expect(output).toContain('|     42 |');
    expect(output).toContain('Database changed');
    expect(output).toContain('| one  |');
    expect(output).toContain('Bye');
  });
});
