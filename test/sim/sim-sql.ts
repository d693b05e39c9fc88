// Test support: SQL against a doris_sim process through mysql2 (one connection per helper).
import mysql from 'mysql2/promise';
import type { SimProcess } from './sim-process.js';

export type Row = Record<string, unknown>;

export interface SimSql {
  /** Runs one statement; resolves with its rows (or the OK result). */
  query(sql: string): Promise<Row[]>;
  /** Runs statements one after the other. */
  exec(...statements: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function simSql(sim: SimProcess, opts: { password?: string; database?: string } = {}): Promise<SimSql> {
  const conn = await mysql.createConnection({
    host: '127.0.0.1',
    port: sim.ready.query_port,
    user: 'root',
    password: opts.password ?? '',
    database: opts.database,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  return {
    async query(sql) {
      const [rows] = await conn.query(sql);
      return rows as Row[];
    },
    async exec(...statements) {
      for (const s of statements) await conn.query(s);
    },
    close: () => conn.end(),
  };
}
