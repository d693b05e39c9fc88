// Part (a): end-to-end lag at a steady rate. A loader commits one single-row INSERT every
// 1000/rate ms on the source; each row carries the client's clock (µs) taken just before the
// INSERT is sent, which is at or before the source commit, so the measured lag errs long by
// the INSERT's own latency (reported separately). A watcher polls the destination over its
// MySQL port in a tight loop; a row counts as visible when the first reply containing it
// arrives. lag = visible − stamp. Loader and watcher share this process's clock.
// The watcher polls only while a row sent to the source is not yet seen, and pauses
// WATCH_PAUSE_MS between polls: polling back to back all the time, its scans took half of the
// destination simulator's single thread, which also runs the BEs' ingest_binlog, and
// tripled the p99 it was measuring (doc/performance.md).
import type { Connection } from 'mysql2/promise';
import { sleep } from '../util/abort.js';
import type { TwoClusters } from './two-clusters.js';
import { CpuMeter } from './proc-stats.js';
import { round, summarize } from './stats.js';

export interface LagOptions {
  ratePerSecond: number;
  seconds: number;
  /** Leading seconds of load excluded from the statistics (JIT warm-up of every process). */
  warmupSeconds: number;
}

export interface LagResult {
  lag_p50_ms: number;
  lag_p90_ms: number;
  lag_p99_ms: number;
  lag_max_ms: number;
  lag_mean_ms: number;
  lag_samples: number;
  lag_rate_target_per_s: number;
  lag_rate_achieved_per_s: number;
  lag_insert_p50_ms: number;
  lag_insert_p99_ms: number;
  lag_watch_poll_mean_ms: number;
  lag_watch_polls: number;
  lag_cpu_percent: Record<string, number>;
}

const WATCH_PAUSE_MS = 2;
const DB = 'bench_lag';
const TABLE = 'events';

const nowUs = (): number => Math.round((performance.timeOrigin + performance.now()) * 1000);

export async function runLag(env: TwoClusters, options: LagOptions, signal: AbortSignal): Promise<LagResult> {
  await env.src.query(`CREATE DATABASE ${DB} PROPERTIES ("binlog.enable" = "true");
    CREATE TABLE ${DB}.${TABLE} (id BIGINT, ts_us BIGINT) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1
      PROPERTIES ("binlog.enable" = "true");`);
  await env.api.createJob('bench_lag', { sim: env.srcSim, database: DB, table: TABLE }, { sim: env.destSim, database: DB, table: TABLE });
  await env.api.waitCaughtUp('bench_lag', 60_000, signal);

  const warmup = Math.round(options.warmupSeconds * options.ratePerSecond);
  const total = warmup + Math.round(options.seconds * options.ratePerSecond);
  const loaderConn = await env.src.connection();
  const watcherConn = await env.dest.connection();
  try {
    const visible = new Map<number, number>(); // id → lag ms
    const sent = new Counter();
    const watcher = watch(watcherConn, total, sent, visible, signal);
    let meter: CpuMeter | undefined;
    const inserts: number[] = [];
    const intervalMs = 1000 / options.ratePerSecond;
    const t0 = performance.now();
    let measuredStart = t0;
    for (let id = 0; id < total; id++) {
      if (id === warmup) {
        meter = new CpuMeter(env.pids());
        measuredStart = performance.now();
      }
      const due = t0 + id * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait, signal);
      const sentAt = performance.now();
      const insert = loaderConn.query(`INSERT INTO ${DB}.${TABLE} VALUES (${id}, ${nowUs()})`);
      sent.bump();
      await insert;
      if (id >= warmup) inserts.push(performance.now() - sentAt);
    }
    const loadSeconds = (performance.now() - measuredStart) / 1000;
    const cpu = meter?.read() ?? {};
    const polls = await watcher;
    const lags = [...visible.entries()].filter(([id]) => id >= warmup).map(([, lag]) => lag);
    const lag = summarize(lags);
    const ins = summarize(inserts);
    return {
      lag_p50_ms: round(lag.p50),
      lag_p90_ms: round(lag.p90),
      lag_p99_ms: round(lag.p99),
      lag_max_ms: round(lag.max),
      lag_mean_ms: round(lag.mean),
      lag_samples: lag.count,
      lag_rate_target_per_s: options.ratePerSecond,
      lag_rate_achieved_per_s: round(inserts.length / loadSeconds),
      lag_insert_p50_ms: round(ins.p50),
      lag_insert_p99_ms: round(ins.p99),
      lag_watch_poll_mean_ms: round(polls.meanMs, 2),
      lag_watch_polls: polls.polls,
      lag_cpu_percent: cpu,
    };
  } finally {
    await Promise.all([loaderConn.end(), watcherConn.end()].map((p) => p.catch(() => undefined)));
  }
}

/** How many rows the loader has sent; the watcher waits on it while everything sent is seen. */
class Counter {
  value = 0;
  private waiters: (() => void)[] = [];

  bump(): void {
    this.value++;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** Resolves at the next bump, or after `ms` (so an abort is noticed). */
  async next(ms: number, signal: AbortSignal): Promise<void> {
    await Promise.race([new Promise<void>((resolve) => this.waiters.push(resolve)), sleep(ms, signal)]);
  }
}

/** Polls the destination until every id below `total` was seen (or 30 s without progress). */
async function watch(conn: Connection, total: number, sent: Counter, lagById: Map<number, number>, signal: AbortSignal): Promise<{ meanMs: number; polls: number }> {
  let next = 0; // ids become visible in commit order; everything below `next` was seen
  let polls = 0;
  let pollingMs = 0;
  let progressAt = performance.now();
  while (next < total && !signal.aborted) {
    if (next >= sent.value) {
      await sent.next(100, signal);
      progressAt = performance.now();
      continue;
    }
    await sleep(WATCH_PAUSE_MS, signal);
    const started = performance.now();
    const [rows] = await conn.query(`SELECT id, ts_us FROM ${DB}.${TABLE} WHERE id >= ${next}`);
    const seenAt = nowUs();
    pollingMs += performance.now() - started + WATCH_PAUSE_MS;
    const before = lagById.size;
    polls++;
    for (const r of rows as { id: string | number; ts_us: string | number }[]) {
      const id = Number(r.id);
      if (!lagById.has(id)) lagById.set(id, (seenAt - Number(r.ts_us)) / 1000);
    }
    while (lagById.has(next)) next++;
    if (next < total && performance.now() - progressAt > 30_000) {
      throw new Error(`lag watcher: row ${next} never became visible on the destination`);
    }
    if (lagById.size > before) progressAt = performance.now();
  }
  return { meanMs: polls > 0 ? pollingMs / polls : 0, polls };
}
