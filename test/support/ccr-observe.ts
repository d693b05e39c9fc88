// What the matrix and operator tests observe besides table contents: snapshot syncs a job
// started, source alter jobs, indexes (rollups), and loads through the FE HTTP port.
import { expect } from 'vitest';
import type { CcrEnv } from './ccr-env.js';
import type { SimProcess } from './sim-process.js';
import { waitFor } from './wait.js';

/** Full and partial syncs a job started since the syncer process started. */
export async function snapshotSyncs(env: CcrEnv, job: string): Promise<{ full: number; partial: number }> {
  return {
    full: await env.metric('ccr_full_syncs_total', { job }),
    partial: await env.metric('ccr_partial_syncs_total', { job }),
  };
}

/**
 * Waits until the job has applied everything the source has, after at least `atLeast` full and
 * partial syncs, and returns the counts. Use it to assert how a change was replicated.
 */
export async function waitSyncs(env: CcrEnv, job: string, atLeast: { full?: number; partial?: number }): Promise<{ full: number; partial: number }> {
  await waitFor(
    async () => {
      const n = await snapshotSyncs(env, job);
      return n.full >= (atLeast.full ?? 0) && n.partial >= (atLeast.partial ?? 0);
    },
    `job ${job} to start ${JSON.stringify(atLeast)} snapshot syncs`,
    20_000,
  );
  await env.waitCaughtUp(job);
  return snapshotSyncs(env, job);
}

/**
 * Stream load through the FE HTTP port, as `curl --location-trusted` does: the FE answers 307
 * to a BE (with the credentials in the Location), the body goes to the BE.
 */
export async function streamLoad(
  sim: SimProcess,
  db: string,
  table: string,
  body: string,
  headers: Record<string, string> = {},
  password = '',
): Promise<Record<string, unknown>> {
  const authorization = `Basic ${Buffer.from(`root:${password}`).toString('base64')}`;
  const put = (url: string) => fetch(url, { method: 'PUT', redirect: 'manual', headers: { authorization, ...headers }, body });
  const first = await put(`http://127.0.0.1:${sim.ready.http_port}/api/${db}/${table}/_stream_load`);
  expect(first.status, 'FE redirects a stream load to a BE').toBe(307);
  const location = new URL(first.headers.get('location') ?? '');
  location.username = '';
  location.password = '';
  const res = await put(location.toString());
  return (await res.json()) as Record<string, unknown>;
}

/** Waits until the source's schema change or rollup jobs of a table are FINISHED (or CANCELLED). */
export async function waitAlterDone(sim: SimProcess, db: string, table: string, kind: 'COLUMN' | 'ROLLUP' = 'COLUMN'): Promise<void> {
  await waitFor(
    async () => {
      const rows = await sim.query<Record<string, string>>(`SHOW ALTER TABLE ${kind} FROM \`${db}\``);
      const mine = rows.filter((r) => r.TableName === table);
      return mine.length > 0 && mine.every((r) => r.State === 'FINISHED' || r.State === 'CANCELLED');
    },
    `ALTER TABLE ${kind} jobs of ${db}.${table} to finish`,
    20_000,
  );
}

/** DESC ALL of a table (every index and its columns), the base index named `<base>`. */
export async function tableIndexes(sim: SimProcess, db: string, table: string): Promise<string[]> {
  const rows = await sim.query<Record<string, string | null>>(`DESC \`${db}\`.\`${table}\` ALL`);
  return rows.map((r) => [r.IndexName === table ? '<base>' : r.IndexName, r.IndexKeysType, r.Field, r.Type, r.Key].join(' '));
}

/** Waits until the destination table has the source table's indexes (rollups included). */
export async function waitSameIndexes(env: CcrEnv, srcDb: string, srcTable: string, destDb: string, destTable: string): Promise<string[]> {
  return waitFor(
    async () => {
      const [src, dest] = await Promise.all([tableIndexes(env.src, srcDb, srcTable), tableIndexes(env.dest, destDb, destTable)]);
      return JSON.stringify(src) === JSON.stringify(dest) ? dest : undefined;
    },
    `indexes of ${destDb}.${destTable} to equal ${srcDb}.${srcTable}'s`,
    20_000,
  );
}
