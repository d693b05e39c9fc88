// Part (d): full sync time. The source table gets `rows` rows by stream load in large
// batches; then a table job is created, and the clock runs from /create_ccr until the job is
// incremental and the destination's row count equals the source's.
import { sleep } from '../util/abort.js';
import type { TwoClusters } from './two-clusters.js';
import { CpuMeter } from './proc-stats.js';
import { round } from './stats.js';

export interface FullSyncOptions {
  rows: number;
  batchRows: number;
  buckets: number;
}

export interface FullSyncResult {
  fullsync_rows: number;
  fullsync_seconds: number;
  fullsync_rows_per_s: number;
  fullsync_load_seconds: number;
  fullsync_buckets: number;
  fullsync_cpu_percent: Record<string, number>;
}

const DB = 'bench_full';
const JOB = 'bench_full';

export async function runFullSync(env: TwoClusters, options: FullSyncOptions, signal: AbortSignal): Promise<FullSyncResult> {
  await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
    CREATE TABLE ${DB}.t (id BIGINT, amount BIGINT, note VARCHAR(64)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS ${options.buckets}
      PROPERTIES ("binlog.enable" = "true");`);
  const loadStart = performance.now();
  for (let from = 0, batch = 0; from < options.rows; from += options.batchRows, batch++) {
    const to = Math.min(options.rows, from + options.batchRows);
    const lines: string[] = [];
    for (let id = from; id < to; id++) lines.push(`${id}\t${(id * 7919) % 100_000}\tnote-${id.toString(36)}`);
    await env.src.streamLoad(DB, 't', `${lines.join('\n')}\n`, `bench_full_${batch}`);
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const srcRows = await env.src.count(DB, 't');
  if (srcRows !== options.rows) throw new Error(`full sync: the source has ${srcRows} rows, expected ${options.rows}`);

  const meter = new CpuMeter(env.pids());
  const started = performance.now();
  await env.api.createJob(JOB, { sim: env.srcSim, database: DB, table: 't' }, { sim: env.destSim, database: DB, table: 't' });
  for (;;) {
    const s = await env.api.status(JOB);
    if (s.progress_state === 'TableIncrementalSync' && (await destCount(env)) === srcRows) break;
    if (performance.now() - started > 1_800_000) throw new Error(`full sync: not done after 30 min (state ${s.progress_state}, last error: ${s.last_error?.message ?? 'none'})`);
    await sleep(100, signal);
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    fullsync_rows: options.rows,
    fullsync_seconds: round(seconds, 2),
    fullsync_rows_per_s: Math.round(options.rows / seconds),
    fullsync_load_seconds: round(loadSeconds, 1),
    fullsync_buckets: options.buckets,
    fullsync_cpu_percent: meter.read(),
  };
}

/** The destination count, or -1 while the restored table is not there yet. */
async function destCount(env: TwoClusters): Promise<number> {
  try {
    return await env.dest.count(DB, 't');
  } catch {
    return -1;
  }
}
