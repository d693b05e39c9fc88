// Parts (b) and (c) on the same simulators, interleaved in rounds so that load from outside
// the benchmark weighs on both alike, after one uncounted warm-up round. Each round: with the table job paused,
// the source gets K single-row INSERTs (K UPSERT binlogs); then, in alternating order,
// (b) drain: the job is resumed and the clock runs from /resume until job_status shows the
// round's last source commit seq applied, then the job is paused again; and (c) limit: a bare
// RPC loop (bare-replay.ts) replays the same K binlogs into another destination table. Rates
// are total binlogs over total time; the per-round rates are reported too.
import { sleep } from '../util/abort.js';
import { bareReplay } from './bare-replay.js';
import type { TwoClusters } from './two-clusters.js';
import { CpuMeter } from './proc-stats.js';
import { round } from './stats.js';

export interface DrainOptions {
  rounds: number;
  binlogsPerRound: number;
  /** getBinlog batch and pipeline depth of the bare loop (the syncer's flags). */
  batchSize: number;
  depth: number;
}

export interface DrainResult {
  drain_binlogs: number;
  drain_seconds: number;
  drain_binlogs_per_s: number;
  drain_rounds_per_s: number[];
  drain_cpu_percent: Record<string, number>;
  limit_binlogs_per_s: number;
  limit_rounds_per_s: number[];
  limit_cpu_percent: Record<string, number>;
  drain_to_limit_ratio: number;
  drain_log_lines: number;
}

const DB = 'bench_drain';
const JOB = 'bench_drain';
const LOADERS = 4;
const DRAIN_TIMEOUT_MS = 600_000;
// job_status answers from memory, but each request still costs the syncer an HTTP exchange;
// 25 ms keeps that under 1% of its work and the clock's error small next to a round.
const STATUS_POLL_MS = 25;

interface Timed {
  seconds: number;
  cpu: Record<string, number>;
}

export async function runDrain(env: TwoClusters, options: DrainOptions, signal: AbortSignal): Promise<DrainResult> {
  await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
    CREATE TABLE ${DB}.t (id BIGINT, v BIGINT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1
      PROPERTIES ("binlog.enable" = "true");`);
  await env.dest.query(`CREATE DATABASE IF NOT EXISTS ${DB};
    CREATE TABLE ${DB}.t_bare (id BIGINT, v BIGINT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1`);
  await env.api.createJob(JOB, { sim: env.srcSim, database: DB, table: 't' }, { sim: env.destSim, database: DB, table: 't' });
  await env.api.waitCaughtUp(JOB, 60_000, signal);
  await env.api.call('/pause', { name: JOB });

  const k = options.binlogsPerRound;
  const drains: Timed[] = [];
  const limits: Timed[] = [];
  const logsBefore = env.syncer.logVolume().lines;
  // Round -1 warms up every process (JIT, connections, caches) and is not counted: whichever
  // side ran first on cold simulators would otherwise pay for both.
  for (let r = -1; r < options.rounds; r++) {
    const afterSeq = BigInt((await env.api.lag(JOB)).last_commit_seq);
    await load(env, (r + 1) * k, k);
    const lastSeq = BigInt((await env.api.lag(JOB)).last_commit_seq);
    const drain = (): Promise<Timed> => drainRound(env, lastSeq, signal);
    const limit = (): Promise<Timed> =>
      timed(env, () =>
        bareReplay({ src: env.src, dest: env.dest, srcDb: DB, srcTable: 't', destDb: DB, destTable: 't_bare', afterSeq, count: k, batchSize: options.batchSize, depth: options.depth }, signal),
      );
    let d: Timed;
    let l: Timed;
    if (r % 2 === 0) {
      d = await drain();
      l = await limit();
    } else {
      l = await limit();
      d = await drain();
    }
    if (r < 0) continue;
    drains.push(d);
    limits.push(l);
  }
  const drainLogLines = env.syncer.logVolume().lines - logsBefore;
  const total = options.rounds * k;
  for (const table of ['t', 't_bare']) {
    const rows = await env.dest.count(DB, table);
    if (rows !== total + k) throw new Error(`drain: ${DB}.${table} has ${rows} rows on the destination, expected ${total + k}`);
  }

  const seconds = (runs: Timed[]): number => runs.reduce((s, t) => s + t.seconds, 0);
  const drainRate = total / seconds(drains);
  const limitRate = total / seconds(limits);
  return {
    drain_binlogs: total,
    drain_seconds: round(seconds(drains), 2),
    drain_binlogs_per_s: round(drainRate),
    drain_rounds_per_s: drains.map((t) => round(k / t.seconds)),
    drain_cpu_percent: meanCpu(drains),
    limit_binlogs_per_s: round(limitRate),
    limit_rounds_per_s: limits.map((t) => round(k / t.seconds)),
    limit_cpu_percent: meanCpu(limits),
    drain_to_limit_ratio: round(drainRate / limitRate, 2),
    drain_log_lines: drainLogLines,
  };
}

/** `count` single-row INSERTs on the source, ids from `from`, over a few connections. */
async function load(env: TwoClusters, from: number, count: number): Promise<void> {
  let next = from;
  const end = from + count;
  await Promise.all(
    Array.from({ length: LOADERS }, async () => {
      const conn = await env.src.connection();
      try {
        for (let id = next++; id < end; id = next++) await conn.query(`INSERT INTO ${DB}.t VALUES (${id}, ${id})`);
      } finally {
        await conn.end();
      }
    }),
  );
}

async function timed(env: TwoClusters, work: () => Promise<unknown>): Promise<Timed> {
  const meter = new CpuMeter(env.pids());
  const started = performance.now();
  await work();
  return { seconds: (performance.now() - started) / 1000, cpu: meter.read() };
}

/** Resumes the job, waits until it applied `lastSeq`, pauses it again. */
async function drainRound(env: TwoClusters, lastSeq: bigint, signal: AbortSignal): Promise<Timed> {
  const result = await timed(env, async () => {
    const started = performance.now();
    await env.api.call('/resume', { name: JOB });
    for (;;) {
      const s = await env.api.status(JOB);
      if (BigInt(String(s.commit_seq ?? 0)) >= lastSeq) return;
      if (performance.now() - started > DRAIN_TIMEOUT_MS) throw new Error(`drain: not caught up after ${DRAIN_TIMEOUT_MS} ms (last error: ${s.last_error?.message ?? 'none'})`);
      await sleep(STATUS_POLL_MS, signal);
    }
  });
  await env.api.call('/pause', { name: JOB });
  return result;
}

/** CPU% per process, averaged over runs. */
function meanCpu(runs: Timed[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const run of runs) for (const [name, pct] of Object.entries(run.cpu)) sums[name] = (sums[name] ?? 0) + pct;
  return Object.fromEntries(Object.entries(sums).map(([name, sum]) => [name, Math.round(sum / runs.length)]));
}
