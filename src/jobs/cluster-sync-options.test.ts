import { describe, expect, it } from 'vitest';
import { clusterJobRequest, tableJobRequest } from '../../test/support/job-requests.js';
import type { CcrError } from '../errors/ccr-error.js';
import type { ClusterSyncOptions } from './cluster-sync-options.js';
import { childJobName, DEFAULT_CHILD_NAME_TEMPLATE, wantsDatabase } from './cluster-sync-options.js';
import { decodeJobInfo, encodeJobInfo, newJobSpec, publicJobInfo } from './job-spec.js';
import { createPasswordCipher } from './password-cipher.js';

const plain = createPasswordCipher('');

const OPTIONS: ClusterSyncOptions = {
  includeDatabases: [],
  excludeDatabases: [],
  childNameTemplate: DEFAULT_CHILD_NAME_TEMPLATE,
  monitorIntervalSeconds: undefined,
  onDatabaseDropped: 'delete',
};

const clusterRequest = clusterJobRequest;

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as CcrError).message;
  }
  throw new Error('expected a throw');
}

describe('cluster sync options', () => {
  it('never selects system databases; include then exclude globs select the rest', () => {
    for (const db of ['information_schema', 'mysql', '__internal_schema', '_statistics', 'INFORMATION_SCHEMA']) expect(wantsDatabase(OPTIONS, db)).toBe(false);
    expect(wantsDatabase(OPTIONS, 'sales')).toBe(true);
    const filtered = { ...OPTIONS, includeDatabases: ['sales*', 'hr'], excludeDatabases: ['*_tmp', 'sales.x'] };
    expect(['sales', 'sales_eu', 'sales_tmp', 'hr', 'hr2', 'salesAx', 'sales.x'].filter((db) => wantsDatabase(filtered, db))).toEqual([
      'sales',
      'sales_eu',
      'hr',
      'salesAx',
    ]);
    expect(wantsDatabase({ ...OPTIONS, includeDatabases: ['d?'] }, 'd1')).toBe(true);
    expect(wantsDatabase({ ...OPTIONS, includeDatabases: ['d?'] }, 'd12')).toBe(false);
  });

  it('names children from the template', () => {
    expect(childJobName(OPTIONS, 'c1', 'sales')).toBe('c1_sales');
    expect(childJobName({ ...OPTIONS, childNameTemplate: 'ccr-<db>-of-<name>' }, 'c1', 'hr')).toBe('ccr-hr-of-c1');
  });

  it('makes a cluster job spec only without databases and tables, with a usable template and interval', () => {
    const spec = newJobSpec(clusterRequest('c1', { monitorIntervalSeconds: 30 }));
    expect(spec).toMatchObject({ kind: 'cluster', cluster: { monitorIntervalSeconds: 30 }, parent: undefined });
    const withDb = clusterRequest('c1');
    expect(messageOf(() => newJobSpec({ ...withDb, src: { ...withDb.src, database: 'db1' } }))).toBe(
      'src.database: must be empty when cluster_sync is true (the cluster job creates one database job per source database)',
    );
    expect(messageOf(() => newJobSpec({ ...withDb, dest: { ...withDb.dest, table: 't' } }))).toMatch(/^dest\.table: must be empty/);
    expect(messageOf(() => newJobSpec(clusterRequest('c1', { childNameTemplate: '<name>' })))).toMatch(/^child_name_template: needs <db>/);
    expect(messageOf(() => newJobSpec(clusterRequest('c1', { monitorIntervalSeconds: 0 })))).toBe(
      'monitor_interval_seconds: expected an integer 1-86400, got 0',
    );
    expect(messageOf(() => newJobSpec(clusterRequest('c1', { excludeDatabases: [' '] })))).toMatch(/^exclude_databases: empty patterns/);
  });

  it('requires the databases of a database or table job', () => {
    const req = tableJobRequest('j1');
    expect(messageOf(() => newJobSpec({ ...req, dest: { ...req.dest, database: ' ' } }))).toMatch(/^dest\.database is required: /);
  });

  it('round-trips the cluster options and the parent link through job_info', () => {
    const cluster = newJobSpec(clusterRequest('c1', { includeDatabases: ['a*'], excludeDatabases: ['ab'], childNameTemplate: 'x_<db>', onDatabaseDropped: 'pause' }));
    const text = encodeJobInfo(cluster, plain);
    expect(JSON.parse(text)).toMatchObject({
      sync_type: 2,
      kind: 'cluster',
      cluster_sync: { include_databases: ['a*'], exclude_databases: ['ab'], child_name_template: 'x_<db>', on_database_dropped: 'pause' },
    });
    expect(decodeJobInfo(text, plain, 'c1')).toEqual(cluster);

    const child = newJobSpec({ ...tableJobRequest('c1_db1'), parent: { job: 'c1', database: 'db1', dbId: 9_007_199_254_740_993n } });
    const childText = encodeJobInfo(child, plain);
    expect(childText).toContain('"parent":{"job":"c1","database":"db1","db_id":9007199254740993}');
    expect(decodeJobInfo(childText, plain, 'c1_db1').parent).toEqual({ job: 'c1', database: 'db1', dbId: 9_007_199_254_740_993n });
    expect(publicJobInfo(child).parent).toEqual({ job: 'c1', database: 'db1', db_id: 9_007_199_254_740_993n });
  });

  it('reads a cluster job_info written with only sync_type 2 with the defaults', () => {
    const text = encodeJobInfo(newJobSpec(clusterRequest('c1')), plain)
      .replace('"kind":"cluster",', '')
      .replace(/,"cluster_sync":\{[^}]*\}/, '');
    expect(decodeJobInfo(text, plain, 'c1')).toMatchObject({ kind: 'cluster', cluster: OPTIONS });
  });
});
