// A loader that keeps writing rows to a source table, one INSERT (one transaction, one UPSERT
// binlog) at a time, each row with a fresh key, so a destination that applied a load twice
// shows duplicate keys. Crash and fault tests run it while they kill or break things.
import mysql from 'mysql2/promise';
import type { SimProcess } from './sim-process.js';

export interface RowLoader {
  /** Rows committed on the source so far. */
  readonly rows: number;
  /** Resolves once at least `n` rows are committed (rejects if the loader failed). */
  waitRows(n: number, timeoutMs?: number): Promise<void>;
  /** Stops after the INSERT in flight; resolves with the number of rows committed. */
  stop(): Promise<number>;
}

export interface RowLoaderOptions {
  /** Rows per INSERT (default 3). */
  batch?: number;
  /** First key (default 1); keys grow by one per row. */
  firstKey?: number;
  /** Pause between INSERTs in ms (default 0). */
  pauseMs?: number;
  /** The FE query port to write through (default the first FE's). */
  port?: number;
}

/** Starts writing `(k INT, v VARCHAR)` rows to `db.table` on the source until stop(). */
export function startRowLoader(sim: SimProcess, db: string, table: string, options: RowLoaderOptions = {}): RowLoader {
  const batch = options.batch ?? 3;
  let next = options.firstKey ?? 1;
  let rows = 0;
  let stopping = false;
  let failure: unknown;
  const conn = mysql.createConnection({ host: '127.0.0.1', port: options.port ?? sim.ready.query_port, user: 'root', password: '' });
  const loop = (async () => {
    const c = await conn;
    try {
      while (!stopping) {
        const values = Array.from({ length: batch }, (_, i) => `(${next + i}, 'v${next + i}')`).join(', ');
        // Named columns: the table may gain columns (with defaults) while the loader runs.
        await c.query(`INSERT INTO \`${db}\`.\`${table}\` (k, v) VALUES ${values}`);
        next += batch;
        rows += batch;
        if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
      }
    } catch (err) {
      failure = err;
    } finally {
      await c.end().catch(() => undefined);
    }
  })();
  return {
    get rows() {
      return rows;
    },
    async waitRows(n, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (rows < n) {
        if (failure !== undefined) throw asError(failure);
        if (Date.now() > deadline) throw new Error(`loader wrote ${rows} rows, not ${n}, within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      stopping = true;
      await loop;
      if (failure !== undefined) throw asError(failure);
      return rows;
    },
  };
}

function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(`loader failed: ${JSON.stringify(e)}`);
}
