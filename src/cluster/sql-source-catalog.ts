// SourceCatalog over the FE's MySQL protocol: SHOW DATABASES for the names the user can see,
// SHOW PROC '/dbs/' for their ids (as the engine's create-time checks resolve them), SHOW
// CREATE DATABASE for the binlog property. One SQL client per cluster identity, reused
// across passes; idle connections close by themselves.
import { createHash } from 'node:crypto';
import { quoteIdent, SqlClient } from '../doris/sql-client.js';
import type { ClusterSpec } from '../jobs/job-spec.js';
import type { Logger } from '../observability/logger.js';
import type { SourceCatalog, SourceDatabase } from './source-catalog.js';

const BINLOG_ON = '"binlog.enable" = "true"';
/** Doris before 2.1 prefixes names in SHOW PROC with the legacy cluster name. */
const LEGACY_PREFIX = 'default_cluster:';

export interface SqlSourceCatalogOptions {
  readonly connectTimeoutMs: number;
  readonly log: Logger;
}

export class SqlSourceCatalog implements SourceCatalog {
  private readonly clients = new Map<string, SqlClient>();

  constructor(private readonly options: SqlSourceCatalogOptions) {}

  async listDatabases(cluster: ClusterSpec, signal: AbortSignal): Promise<SourceDatabase[]> {
    const sql = this.client(cluster);
    const names = (await sql.query('SHOW DATABASES', signal)).rows.map((r) => r.Database ?? '');
    const ids = new Map<string, bigint>();
    for (const r of (await sql.query("SHOW PROC '/dbs/'", signal)).rows) {
      const name = (r.DbName ?? '').startsWith(LEGACY_PREFIX) ? (r.DbName ?? '').slice(LEGACY_PREFIX.length) : (r.DbName ?? '');
      if (r.DbId) ids.set(name, BigInt(r.DbId));
    }
    return names.flatMap((name) => {
      const id = ids.get(name);
      return id === undefined ? [] : [{ name, id }];
    });
  }

  async binlogEnabled(cluster: ClusterSpec, database: string, signal: AbortSignal): Promise<boolean> {
    const res = await this.client(cluster).query(`SHOW CREATE DATABASE ${quoteIdent(database)}`, signal);
    return (res.rows[0]?.['Create Database'] ?? '').includes(BINLOG_ON);
  }

  async close(): Promise<void> {
    const all = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }

  private client(cluster: ClusterSpec): SqlClient {
    const endpoints = [{ host: cluster.host, port: cluster.port }, ...cluster.frontends.map((f) => ({ host: f.host, port: f.port }))].filter(
      (e, i, all) => all.findIndex((o) => o.host === e.host && o.port === e.port) === i,
    );
    // The password is part of the identity; only its hash is kept in the key.
    const key = createHash('sha256')
      .update(JSON.stringify([endpoints, cluster.user, createHash('sha256').update(cluster.password).digest('hex')]))
      .digest('hex');
    let client = this.clients.get(key);
    if (!client) {
      client = new SqlClient({
        endpoints,
        user: cluster.user,
        password: cluster.password,
        connectTimeoutMs: this.options.connectTimeoutMs,
        maxConnections: 2,
        log: this.options.log,
      });
      this.clients.set(key, client);
    }
    return client;
  }
}
