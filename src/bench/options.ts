// Command line of `npm run bench -- [flags]` and the sizes of each part in full and quick mode.
import { parseArgs } from 'node:util';
import type { FullSyncOptions } from './part-fullsync.js';
import type { IdleOptions } from './part-idle.js';
import type { LagOptions } from './part-lag.js';

export const PARTS = ['lag', 'drain', 'fullsync', 'idle'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  quick: boolean;
  out: string | undefined;
  parts: Part[];
  beCount: number;
  /** Extra flags for ccr_syncer (repeatable --syncer-arg). */
  syncerArgs: string[];
  lag: LagOptions;
  /** Drain and limit rounds, and binlogs per round (parts b and c). */
  drain: { rounds: number; binlogsPerRound: number };
  fullSync: FullSyncOptions;
  idle: IdleOptions;
}

export const USAGE = `Usage: npm run bench -- [--quick] [--out FILE] [--only lag,drain,fullsync,idle]
                       [--be-count N] [--syncer-arg FLAG]...

  --quick          smaller sizes (about two minutes in all)
  --out FILE       where to write the JSON (default bench-results/bench-<mode>-<time>.json)
  --only PARTS     run only these parts: lag (a), drain (b and c), fullsync (d), idle (e)
  --be-count N     BEs per simulated cluster (default 3; tables get min(3, N) replicas)
  --syncer-arg F   pass a flag to ccr_syncer, e.g. --syncer-arg=--max_poll_interval_ms=500`;

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
      only: { type: 'string' },
      'be-count': { type: 'string', default: '3' },
      'syncer-arg': { type: 'string', multiple: true, default: [] },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return 'help';
  const parts = values.only === undefined ? [...PARTS] : values.only.split(',').map((p) => p.trim());
  for (const p of parts) if (!(PARTS as readonly string[]).includes(p)) throw new Error(`--only: unknown part "${p}" (expected ${PARTS.join(', ')})`);
  const beCount = Number(values['be-count']);
  if (!Number.isInteger(beCount) || beCount < 1 || beCount > 16) throw new Error(`--be-count: expected 1-16, got "${values['be-count']}"`);
  const quick = values.quick;
  return {
    quick,
    out: values.out,
    parts: parts as Part[],
    beCount,
    syncerArgs: values['syncer-arg'],
    lag: { ratePerSecond: 50, seconds: quick ? 10 : 30, warmupSeconds: quick ? 1 : 3 },
    drain: quick ? { rounds: 2, binlogsPerRound: 250 } : { rounds: 5, binlogsPerRound: 1000 },
    fullSync: { rows: quick ? 100_000 : 1_000_000, batchRows: quick ? 50_000 : 100_000, buckets: 8 },
    idle: { jobs: quick ? 50 : 500, sampleSeconds: quick ? 5 : 20, createConcurrency: 16 },
  };
}
