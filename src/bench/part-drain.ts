// Parts (b) and (c) on the same simulators. (b) drain: a caught-up table job is paused, the
// source gets N single-row INSERTs (N UPSERT binlogs), the job is resumed, and the clock runs
// from /resume until job_status shows the last source commit seq applied. (c) limit: a bare
// RPC loop (bare-replay.ts) replays the same N binlogs into another destination table, once
// before the drain (the job paused, the syncer idle) and once after it (the syncer stopped);
// the limit is the mean of both, so a warm-up or a change in the machine's load during the
// part does not favour either side of the ratio.
import { sleep } from '../util/abort.js';
import { bareReplay } from './bare-replay.js';
import type { TwoClusters } from './two-clusters.js';
import { CpuMeter } from './proc-stats.js';
import { round } from './stats.js';

export interface DrainOptions {
  binlogs: number;
  /** getBinlog batch and pipeline depth of the bare loop (the syncer's flags). */
  batchSize: number;
  depth: number;
}

export interface DrainResult {
  drain_binlogs: number;
  drain_seconds: number;
  drain_binlogs_per_s: number;
  drain_cpu_percent: Record<string, number>;
  limit_binlogs_per_s: number;
  limit_before_binlogs_per_s: number;
  limit_after_binlogs_per_s: number;
  limit_cpu_percent: Record<string, number>;
  drain_to_limit_ratio: number;
  drain_log_lines: number;
}

const DB = 'bench_drain';
const JOB = 'bench_drain';
const LOADERS = 4;
const DRAIN_TIMEOUT_MS = 600_000;
// job_status answers from memory, but each request still costs the syncer an HTTP exchange;
// 25 ms keeps that under 1% of its work and the clock's error under 1% of a drain.
const STATUS_POLL_MS = 25;

export async function runDrain(env: TwoClusters, options: DrainOptions, signal: AbortSignal): Promise<DrainResult> {
  await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
    CREATE TABLE ${DB}.t (id BIGINT, v BIGINT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1
      PROPERTIES ("binlog.enable" = "true");`);
  await env.api.createJob(JOB, { sim: env.srcSim, database: DB, table: 't' }, { sim: env.destSim, database: DB, table: 't' });
  await env.api.waitCaughtUp(JOB, 60_000, signal);
  await env.api.call('/pause', { name: JOB });
  const afterSeq = BigInt((await env.api.lag(JOB)).last_commit_seq);

  let next = 0;
  await Promise.all(
    Array.from({ length: LOADERS }, async () => {
      const conn = await env.src.connection();
      try {
        for (let id = next++; id < options.binlogs; id = next++) await conn.query(`INSERT INTO ${DB}.t VALUES (${id}, ${id})`);
      } finally {
        await conn.end();
      }
    }),
  );
  const lastSeq = BigInt((await env.api.lag(JOB)).last_commit_seq);

  const bare = async (table: string): Promise<{ rate: number; cpu: Record<string, number> }> => {
    await env.dest.query(`CREATE TABLE ${DB}.${table} (id BIGINT, v BIGINT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1`);
    const meter = new CpuMeter(env.pids());
    const seconds = await bareReplay(
      { src: env.src, dest: env.dest, srcDb: DB, srcTable: 't', destDb: DB, destTable: table, afterSeq, count: options.binlogs, batchSize: options.batchSize, depth: options.depth },
      signal,
    );
    const cpu = meter.read();
    const rows = await env.dest.count(DB, table);
    if (rows !== options.binlogs) throw new Error(`limit: ${table} has ${rows} rows on the destination, expected ${options.binlogs}`);
    return { rate: options.binlogs / seconds, cpu };
  };
  const before = await bare('t_bare_before');

  const logsBefore = env.syncer.logVolume().lines;
  const drainMeter = new CpuMeter(env.pids());
  const started = performance.now();
  await env.api.call('/resume', { name: JOB });
  for (;;) {
    const s = await env.api.status(JOB);
    if (BigInt(String(s.commit_seq ?? 0)) >= lastSeq) break;
    if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new Error(`drain: not caught up after ${DRAIN_TIMEOUT_MS} ms (last error: ${s.last_error?.message ?? 'none'})`);
    await sleep(STATUS_POLL_MS, signal);
  }
  const drainSeconds = (performance.now() - started) / 1000;
  const drainCpu = drainMeter.read();
  const drainLogLines = env.syncer.logVolume().lines - logsBefore;
  const destRows = await env.dest.count(DB, 't');
  if (destRows !== options.binlogs) throw new Error(`drain: the destination has ${destRows} rows, expected ${options.binlogs}`);

  await env.stopSyncer();
  const after = await bare('t_bare_after');

  const drainRate = options.binlogs / drainSeconds;
  const limitRate = (before.rate + after.rate) / 2;
  return {
    drain_binlogs: options.binlogs,
    drain_seconds: round(drainSeconds, 2),
    drain_binlogs_per_s: round(drainRate),
    drain_cpu_percent: drainCpu,
    limit_binlogs_per_s: round(limitRate),
    limit_before_binlogs_per_s: round(before.rate),
    limit_after_binlogs_per_s: round(after.rate),
    limit_cpu_percent: after.cpu,
    drain_to_limit_ratio: round(drainRate / limitRate, 2),
    drain_log_lines: drainLogLines,
  };
}
