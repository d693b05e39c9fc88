// An in-memory source cluster for cluster-sync tests: databases with ids and a binlog flag,
// and an engine around TestEngine that resolves a child's source database id from it (as
// the real create-time checks do with SHOW PROC '/dbs/'), so drop and recreate show up.
import type { SourceCatalog, SourceDatabase } from '../../src/cluster/source-catalog.js';
import type { CcrError } from '../../src/errors/ccr-error.js';
import type { JobSpec } from '../../src/jobs/job-spec.js';
import { TestEngine } from './test-engine.js';

export class FakeSourceCatalog implements SourceCatalog {
  private readonly dbs = new Map<string, { id: bigint; binlog: boolean }>();
  private nextId = 1000n;
  /** When set, listDatabases rejects with it (source unreachable). */
  failure: CcrError | undefined;
  listCalls = 0;

  /** Creates (or drops and recreates, with a new id) a database. */
  create(name: string, binlog = true): bigint {
    const id = this.nextId++;
    this.dbs.set(name, { id, binlog });
    return id;
  }

  drop(name: string): void {
    this.dbs.delete(name);
  }

  enableBinlog(name: string): void {
    const db = this.dbs.get(name);
    if (db) db.binlog = true;
  }

  idOf(name: string): bigint | undefined {
    return this.dbs.get(name)?.id;
  }

  async listDatabases(_cluster: unknown, signal: AbortSignal): Promise<SourceDatabase[]> {
    signal.throwIfAborted();
    this.listCalls++;
    if (this.failure) throw this.failure;
    // What SHOW DATABASES + SHOW PROC give a simulated Doris: its internal database included.
    return [{ name: '__internal_schema', id: 1n }, ...[...this.dbs].map(([name, d]) => ({ name, id: d.id }))];
  }

  async binlogEnabled(_cluster: unknown, database: string, signal: AbortSignal): Promise<boolean> {
    signal.throwIfAborted();
    return this.dbs.get(database)?.binlog ?? false;
  }

  async close(): Promise<void> {}
}

/**
 * A TestEngine whose create-time checks resolve source database ids from the fake source
 * cluster; `failFor` makes them fail for a database.
 */
export class ClusterTestEngine extends TestEngine {
  readonly failFor = new Map<string, CcrError>();

  constructor(private readonly catalog: FakeSourceCatalog) {
    super({ idleMs: 20 });
  }

  override async prepare(spec: JobSpec, signal: AbortSignal): Promise<JobSpec> {
    const prepared = await super.prepare(spec, signal);
    if (spec.kind === 'cluster') return { ...prepared, src: { ...prepared.src, dbId: 0n } };
    const failure = this.failFor.get(spec.src.database);
    if (failure) throw failure;
    // Databases the fake cluster does not know keep the TestEngine's id (plain job tests).
    const id = this.catalog.idOf(spec.src.database);
    return id === undefined ? prepared : { ...prepared, src: { ...prepared.src, dbId: id } };
  }
}
