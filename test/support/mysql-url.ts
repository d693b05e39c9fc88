// Where MySQL-backed tests connect: CCR_TEST_MYSQL_URL, default mysql://root@127.0.0.1:3306.
import { randomBytes } from 'node:crypto';

export interface MysqlTestTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function mysqlTestTarget(): MysqlTestTarget {
  const url = new URL(process.env.CCR_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306');
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
  };
}

/** A database name no other test run uses. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
}
