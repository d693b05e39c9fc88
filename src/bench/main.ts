// `npm run bench`: measures the syncer against two simulator processes (doc/performance.md).
// Each part runs on fresh processes and a fresh temp dir; the results go to a table on stdout
// and a JSON file.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { setMaxListeners } from 'node:events';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { TwoClusters } from './two-clusters.js';
import { parseBenchArgs, USAGE, type BenchOptions, type Part } from './options.js';
import { runDrain } from './part-drain.js';
import { runFullSync } from './part-fullsync.js';
import { runIdle } from './part-idle.js';
import { runLag } from './part-lag.js';
import { REPO_ROOT } from './processes.js';
import { checkBars, renderTable, type Results } from './report.js';

const open = new Set<TwoClusters>();

async function withEnv<T>(options: BenchOptions, fn: (env: TwoClusters) => Promise<T>): Promise<T> {
  const env = await TwoClusters.start({ sim: { beCount: options.beCount }, syncerArgs: options.syncerArgs });
  open.add(env);
  try {
    return await fn(env);
  } finally {
    open.delete(env);
    await env.close();
  }
}

/** A syncer flag's value from --syncer-arg (either --name=v or --name v), else its default. */
function syncerFlag(args: string[], name: string, dflt: number): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a.startsWith(`--${name}=`)) return Number(a.slice(name.length + 3));
    if (a === `--${name}` && args[i + 1] !== undefined) return Number(args[i + 1]);
  }
  return dflt;
}

async function runPart(part: Part, options: BenchOptions, signal: AbortSignal): Promise<Results> {
  switch (part) {
    case 'lag': {
      const o = options.lag;
      console.log(`(a) lag: one INSERT every ${1000 / o.ratePerSecond} ms for ${o.warmupSeconds} s warm-up + ${o.seconds} s ...`);
      return { ...(await withEnv(options, (env) => runLag(env, o, signal))) };
    }
    case 'drain': {
      const { rounds, binlogsPerRound } = options.drain;
      console.log(`(b) drain and (c) the bare RPC loop, interleaved: ${rounds} rounds of ${binlogsPerRound} binlogs ...`);
      const batchSize = syncerFlag(options.syncerArgs, 'binlog_batch_size', 16);
      const depth = syncerFlag(options.syncerArgs, 'max_pipeline_ingesting_num', 16);
      return { ...(await withEnv(options, (env) => runDrain(env, { rounds, binlogsPerRound, batchSize, depth }, signal))), limit_depth: depth, limit_batch_size: batchSize };
    }
    case 'fullsync':
      console.log(`(d) full sync of ${options.fullSync.rows} rows ...`);
      return { ...(await withEnv(options, (env) => runFullSync(env, options.fullSync, signal))) };
    case 'idle':
      console.log(`(e) ${options.idle.jobs} idle table jobs, sampled for ${options.idle.sampleSeconds} s ...`);
      return { ...(await withEnv(options, (env) => runIdle(env, options.idle, signal))) };
  }
}

/** The machine; the load averages say whether other work shared it during the run. */
function machine(loadAtStart: number[]): Record<string, unknown> {
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // not a git checkout
  }
  return {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gib: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
    load_average_at_start: loadAtStart.map((l) => Math.round(l * 100) / 100),
    load_average_at_end: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function main(): Promise<number> {
  let options: BenchOptions | 'help';
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // every concurrent RPC of the bare loop listens to it
  process.once('SIGINT', () => {
    console.error('\nbench: interrupted; stopping the simulators and the syncer ...');
    controller.abort();
    void Promise.allSettled([...open].map((e) => e.close())).then(() => process.exit(130));
  });

  const mode = options.quick ? 'quick' : 'full';
  console.log(`ccr-syncer benchmark (${mode}): ${options.parts.join(', ')}; ${options.beCount} BEs per cluster; syncer flags: ${options.syncerArgs.join(' ') || '(defaults)'}`);
  const started = performance.now();
  const loadAtStart = os.loadavg();
  let results: Results = {};
  const errors: Record<string, string> = {};
  for (const part of options.parts) {
    const t = performance.now();
    try {
      results = { ...results, ...(await runPart(part, options, controller.signal)) };
      console.log(`    done in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    } catch (err) {
      if (controller.signal.aborted) return 130;
      errors[part] = err instanceof Error ? err.message : String(err);
      console.error(`    FAILED after ${((performance.now() - t) / 1000).toFixed(1)} s: ${errors[part]}`);
    }
  }
  const report = {
    generated_at: new Date().toISOString(),
    mode,
    total_seconds: Math.round((performance.now() - started) / 100) / 10,
    ...results,
    bars: checkBars(results),
    errors,
    machine: machine(loadAtStart),
    flags: { syncer: options.syncerArgs, be_count: options.beCount, parts: options.parts, sizes: { lag: options.lag, drain: options.drain, fullsync: options.fullSync, idle: options.idle } },
  };
  const out = options.out ?? join(REPO_ROOT, 'bench-results', `bench-${mode}-${report.generated_at.replace(/[:.]/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${renderTable(results)}\n\nJSON: ${out} (total ${report.total_seconds} s)`);
  return Object.keys(errors).length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    void Promise.allSettled([...open].map((e) => e.close())).then(() => process.exit(1));
  },
);
