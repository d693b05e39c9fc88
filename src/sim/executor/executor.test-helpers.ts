// Test support: a cluster model behind the executor's query handler, driven like a client
// session (every statement's result formatted as the text a MySQL client receives).
import { silentLogger } from '../../observability/logger.js';
import { createSimEnv, type SimEnv } from '../env.js';
import type { ClusterModel } from '../model/cluster-model.js';
import { TestClock } from '../model/fixtures.js';
import { formatValue } from '../model/value.js';
import type { QueryResult } from '../mysql/query-result.js';
import { Session } from '../mysql/session.js';
import { SqlError } from '../sql-error.js';
import { compilePredicate } from '../sql/row-expressions.js';
import type { ConnectionControl } from './context.js';
import { createQueryHandler } from './query-handler.js';

export interface TextRows {
  columns: string[];
  rows: (string | null)[][];
}

export interface ExecutorHarness {
  env: SimEnv;
  model: ClusterModel;
  clock: TestClock;
  session: Session;
  /** Runs SQL; returns every statement's result. */
  run(sql: string): Promise<QueryResult[]>;
  /** Runs one query; returns its columns and text rows. */
  query(sql: string): Promise<TextRows>;
  /** Runs statements that must succeed. */
  exec(sql: string): Promise<QueryResult>;
  /** Runs SQL that must fail; returns the error. */
  fail(sql: string): Promise<SqlError>;
  /** Rows of a query as objects keyed by column name. */
  objects(sql: string): Promise<Record<string, string | null>[]>;
}

export function executorHarness(
  opts: { backends?: number; connections?: ConnectionControl; frontendName?: string } = {},
): ExecutorHarness {
  const clock = new TestClock();
  const env = createSimEnv({ clock: clock.now, backends: opts.backends ?? 3, replicationNum: 1, compilePredicate });
  const model = env.model;
  const handler = createQueryHandler(
    env,
    { log: silentLogger(), clock: clock.now, connections: opts.connections, frontendName: opts.frontendName },
  );
  const session = new Session(1, 'root', '127.0.0.1');
  session.multiStatements = true;
  const run = (sql: string): Promise<QueryResult[]> => handler(session, sql, new AbortController().signal);
  const single = async (sql: string): Promise<QueryResult> => {
    const results = await run(sql);
    const failed = results.find((r) => r.kind === 'error');
    if (failed?.kind === 'error') throw failed.error;
    const last = results[results.length - 1];
    if (last === undefined) throw new Error('no result');
    return last;
  };
  const query = async (sql: string): Promise<TextRows> => {
    const r = await single(sql);
    if (r.kind !== 'rows') throw new Error(`expected rows from ${sql}, got ${r.kind}`);
    return { columns: r.columns.map((c) => c.name), rows: r.rows.map((row) => row.map((v) => formatValue(v))) };
  };
  return {
    env,
    model,
    clock,
    session,
    run,
    query,
    exec: single,
    async fail(sql) {
      try {
        await single(sql);
      } catch (err) {
        if (err instanceof SqlError) return err;
        throw err;
      }
      throw new Error(`expected ${sql} to fail`);
    },
    async objects(sql) {
      const { columns, rows } = await query(sql);
      return rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null])));
    },
  };
}
