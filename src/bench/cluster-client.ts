// SQL and stream load against one simulated cluster, as a user of Doris would do them:
// mysql2 over the FE's MySQL port, and stream load straight to a BE's HTTP port (Doris
// accepts it there; the FE would answer 307 to a BE, and Node's fetch drops Authorization
// on a cross-port redirect).
import mysql from 'mysql2/promise';
import type { SimProcess } from './processes.js';

export type Row = Record<string, unknown>;

export class ClusterClient {
  private readonly pool: mysql.Pool;
  private beCursor = 0;

  constructor(
    readonly sim: SimProcess,
    connections = 4,
  ) {
    this.pool = mysql.createPool({
      host: '127.0.0.1',
      port: sim.ready.query_port,
      user: 'root',
      password: '',
      multipleStatements: true,
      connectionLimit: connections,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  }

  /** Runs one or more statements; returns the rows of the last result set. */
  async query<T = Row>(sql: string): Promise<T[]> {
    const [result] = await this.pool.query(sql);
    if (Array.isArray(result) && result.length > 0 && Array.isArray(result[0])) return result[result.length - 1] as T[];
    return (Array.isArray(result) ? result : []) as T[];
  }

  /** A dedicated connection (for loops that must not wait behind other queries). */
  async connection(): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.sim.ready.query_port,
      user: 'root',
      password: '',
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  }

  /** Loads CSV rows (tab-separated) in one transaction through a BE, round robin over BEs. */
  async streamLoad(db: string, table: string, csv: string, label: string): Promise<{ rows: number; txnId: string }> {
    const bes = this.sim.ready.bes;
    const be = bes[this.beCursor++ % bes.length];
    if (!be) throw new Error('the cluster has no backends');
    const res = await fetch(`http://127.0.0.1:${be.http_port}/api/${db}/${table}/_stream_load`, {
      method: 'PUT',
      headers: {
        authorization: `Basic ${Buffer.from('root:').toString('base64')}`,
        label,
        format: 'csv',
        column_separator: '\\t',
      },
      body: csv,
    });
    const reply = (await res.json()) as { Status?: string; Message?: string; NumberLoadedRows?: number; TxnId?: number };
    if (reply.Status !== 'Success') throw new Error(`stream load ${label} into ${db}.${table}: ${reply.Status} ${reply.Message ?? ''}`);
    return { rows: reply.NumberLoadedRows ?? 0, txnId: String(reply.TxnId ?? '') };
  }

  async count(db: string, table: string): Promise<number> {
    const rows = await this.query<{ n: string | number }>(`SELECT count(*) AS n FROM \`${db}\`.\`${table}\``);
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}
