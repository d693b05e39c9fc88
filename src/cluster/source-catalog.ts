// What the cluster job needs to know about the source cluster: its databases with their ids,
// and whether a database has binlog enabled. A port, so reconciliation can be tested without
// a cluster; sql-source-catalog.ts implements it over the FE's MySQL protocol.
import type { ClusterSpec } from '../jobs/job-spec.js';

export interface SourceDatabase {
  readonly name: string;
  /** Doris database id; a database dropped and recreated under the same name gets a new one. */
  readonly id: bigint;
}

export interface SourceCatalog {
  /**
   * Every database the user of `cluster` can see that has a catalog id (the virtual
   * information_schema and mysql have none), system databases included: callers filter.
   * Read-only. Rejects with a CcrError when the FE cannot be reached or refuses the user.
   */
  listDatabases(cluster: ClusterSpec, signal: AbortSignal): Promise<SourceDatabase[]>;

  /** True when `database` has "binlog.enable" = "true". Read-only; rejects like listDatabases. */
  binlogEnabled(cluster: ClusterSpec, database: string, signal: AbortSignal): Promise<boolean>;

  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
