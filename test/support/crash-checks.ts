// What crash and fault tests check on the clusters: the syncer's backups and restores (found
// by the job's labels), duplicate keys on the destination, and the loaded tables they use.
import { expect } from 'vitest';
import type { SimProcess } from './sim-process.js';

export type ShowRow = Record<string, string>;

/** A job's backup or restore label (src/engine/labels.ts): job `x` does not own job `x_2`'s. */
function ofJob(label: string | undefined, job: string): boolean {
  const tag = job.replace(/[^A-Za-z0-9_-]/g, '_');
  return label !== undefined && new RegExp(`^ccr[sp]_${tag}_\\d+_\\d+(_r_\\d+)?$`).test(label);
}

/** SHOW BACKUP rows of the job's snapshots on the source. */
export async function backupsOf(src: SimProcess, db: string, job: string): Promise<ShowRow[]> {
  return (await src.query<ShowRow>(`SHOW BACKUP FROM \`${db}\``)).filter((r) => ofJob(r.SnapshotName, job));
}

/** SHOW RESTORE rows of the job's restores on the destination. */
export async function restoresOf(dest: SimProcess, db: string, job: string): Promise<ShowRow[]> {
  return (await dest.query<ShowRow>(`SHOW RESTORE FROM \`${db}\``)).filter((r) => ofJob(r.Label, job));
}

/**
 * A DUPLICATE KEY table `(k INT, v VARCHAR)` with rows 1..rows: a load applied twice shows up
 * as duplicate keys instead of being merged away.
 */
export async function createLoadTable(sim: SimProcess, db: string, table: string, rows: number, buckets = 3): Promise<void> {
  await sim.query(`CREATE TABLE \`${db}\`.\`${table}\` (k INT, v VARCHAR(32)) DUPLICATE KEY(k) DISTRIBUTED BY HASH(k) BUCKETS ${buckets}
    PROPERTIES ("replication_num" = "1", "binlog.enable" = "true")`);
  if (rows > 0) {
    const values = Array.from({ length: rows }, (_, i) => `(${-1 - i}, 'seed')`).join(', ');
    await sim.query(`INSERT INTO \`${db}\`.\`${table}\` VALUES ${values}`);
  }
}

/** Fails when a key appears more than once in the table (a replayed load applied twice). */
export async function expectNoDuplicateKeys(sim: SimProcess, db: string, table: string): Promise<void> {
  const dups = await sim.query(`SELECT k, COUNT(*) AS c FROM \`${db}\`.\`${table}\` GROUP BY k HAVING COUNT(*) > 1`);
  expect(dups, `duplicate keys in ${db}.${table}`).toEqual([]);
}

/** Row count of a table. */
export async function rowCount(sim: SimProcess, db: string, table: string): Promise<number> {
  const rows = await sim.query<{ c: number | string }>(`SELECT COUNT(*) AS c FROM \`${db}\`.\`${table}\``);
  return Number(rows[0]?.c ?? 0);
}

export interface SnapshotJobRow {
  label: string;
  state: string;
}

/**
 * The job's backups (source) or restores (destination) from GET /api/__sim/state, which
 * answers over HTTP: it sees them while SQL faults hold the FE's query port.
 */
export async function simSnapshotJobs(sim: SimProcess, db: string, job: string, kind: 'backups' | 'restores'): Promise<SnapshotJobRow[]> {
  const database = (await sim.state()).databases.find((d) => d.name === db);
  // SHOW BACKUP: SnapshotName, State at 1, 3; SHOW BRIEF RESTORE: Label, State at 1, 4.
  const [labelAt, stateAt] = kind === 'backups' ? [1, 3] : [1, 4];
  return (database?.[kind] ?? [])
    .map((r) => ({ label: r[labelAt] ?? '', state: r[stateAt] ?? '' }))
    .filter((r) => ofJob(r.label, job));
}
