// Part (e): the cost of idle jobs. `jobs` small tables with binlog enabled, one table job each,
// all in one syncer. Each table sits in its own database: Doris runs one backup or restore per
// database at a time, so jobs sharing a database would queue their full syncs behind each
// other (that is Doris, not the syncer). Once every job is incremental and caught up, the
// syncer's RSS and CPU% are sampled from /proc while nothing is written anywhere.
import { sleep } from '../util/abort.js';
import type { TwoClusters } from './two-clusters.js';
import { cpuPercent, sampleProc, type ProcSample } from './proc-stats.js';
import { round } from './stats.js';

export interface IdleOptions {
  jobs: number;
  sampleSeconds: number;
  /** create_ccr requests in flight at once. */
  createConcurrency: number;
}

export interface IdleResult {
  idle_jobs: number;
  idle_jobs_rss_mib: number;
  idle_jobs_rss_max_mib: number;
  /** The same syncer before any job existed, to tell the per-job cost from the process's. */
  idle_baseline_rss_mib: number;
  idle_jobs_cpu_percent: number;
  /** The source FE answers every idle poll: its CPU is the other cost of idle jobs. */
  idle_src_sim_cpu_percent: number;
  idle_sample_seconds: number;
  idle_setup_seconds: number;
  idle_log_lines_per_min: number;
}

const MIB = 1024 * 1024;

const db = (i: number): string => `bench_idle_${String(i).padStart(4, '0')}`;

export async function runIdle(env: TwoClusters, options: IdleOptions, signal: AbortSignal): Promise<IdleResult> {
  const baseline = sampleProc(env.syncer.pid);
  const setupStart = performance.now();
  const statements: string[] = [];
  for (let i = 0; i < options.jobs; i++) {
    statements.push(`CREATE DATABASE ${db(i)} PROPERTIES ("binlog.enable" = "true");
      CREATE TABLE ${db(i)}.t (id INT, v VARCHAR(16)) DUPLICATE KEY(id) DISTRIBUTED BY HASH(id) BUCKETS 1 PROPERTIES ("binlog.enable" = "true");
      INSERT INTO ${db(i)}.t VALUES (${i}, 'row ${i}');`);
  }
  for (let i = 0; i < statements.length; i += 50) await env.src.query(statements.slice(i, i + 50).join('\n'));

  let next = 0;
  await Promise.all(
    Array.from({ length: options.createConcurrency }, async () => {
      for (let i = next++; i < options.jobs; i = next++) {
        await env.api.createJob(`idle_${i}`, { sim: env.srcSim, database: db(i), table: 't' }, { sim: env.destSim, database: db(i), table: 't' });
      }
    }),
  );
  await waitAllIncremental(env, options.jobs, signal);
  const setupSeconds = (performance.now() - setupStart) / 1000;

  // Let the last full syncs' garbage go and the poll intervals reach their ceiling.
  await sleep(5000, signal);
  const logsBefore = env.syncer.logVolume().lines;
  const srcFirst = sampleProc(env.srcSim.pid);
  const samples: ProcSample[] = [];
  const end = performance.now() + options.sampleSeconds * 1000;
  while (performance.now() < end) {
    const s = sampleProc(env.syncer.pid);
    if (!s) throw new Error('idle: the syncer process is gone');
    samples.push(s);
    await sleep(1000, signal);
  }
  const srcLast = sampleProc(env.srcSim.pid);
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || samples.length < 2) throw new Error('idle: too few samples');
  const rss = samples.map((s) => s.rssBytes / MIB);
  const minutes = (last.at - first.at) / 60_000;
  return {
    idle_jobs: options.jobs,
    idle_jobs_rss_mib: round(rss.reduce((a, b) => a + b, 0) / rss.length),
    idle_jobs_rss_max_mib: round(Math.max(...rss)),
    idle_baseline_rss_mib: baseline ? round(baseline.rssBytes / MIB) : Number.NaN,
    idle_jobs_cpu_percent: round(cpuPercent(first, last)),
    idle_src_sim_cpu_percent: srcFirst && srcLast ? round(cpuPercent(srcFirst, srcLast)) : Number.NaN,
    idle_sample_seconds: round((last.at - first.at) / 1000),
    idle_setup_seconds: round(setupSeconds),
    idle_log_lines_per_min: round((env.syncer.logVolume().lines - logsBefore) / minutes),
  };
}

async function waitAllIncremental(env: TwoClusters, jobs: number, signal: AbortSignal): Promise<void> {
  const deadline = performance.now() + 1_800_000;
  for (;;) {
    const view = await env.api.call<{ jobs: { sync_state: string; state: string; lag: number | null }[] }>('/view?type=raw');
    const done = view.jobs.filter((j) => j.state === 'running' && j.sync_state === 'TableIncrementalSync').length;
    if (done === jobs) return;
    const stuck = view.jobs.find((j) => j.state !== 'running');
    if (stuck) throw new Error(`idle: a job is ${stuck.state}`);
    if (performance.now() > deadline) throw new Error(`idle: only ${done} of ${jobs} jobs are incremental after 30 min`);
    await sleep(2000, signal);
  }
}
