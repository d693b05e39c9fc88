// The benchmark's report: the bars every run is held to, and the printed table.

export type Results = Record<string, unknown>;

export interface Bar {
  key: string;
  label: string;
  /** Passes when the value is at most (`max`) or at least (`min`) the limit. */
  kind: 'max' | 'min';
  limit: number;
  /** When the bar applies (the RSS bar is set for 500 jobs; --quick runs fewer). */
  applies?: (r: Results) => boolean;
}

export const BARS: readonly Bar[] = [
  { key: 'lag_p99_ms', label: 'lag p99 ≤ 250 ms', kind: 'max', limit: 250 },
  { key: 'drain_to_limit_ratio', label: 'drain / limit ≥ 0.5', kind: 'min', limit: 0.5 },
  { key: 'idle_jobs_rss_mib', label: '500 idle jobs ≤ 400 MiB RSS', kind: 'max', limit: 400, applies: (r) => r.idle_jobs === 500 },
];

export interface BarOutcome {
  bar: string;
  value: number;
  pass: boolean;
}

export function checkBars(results: Results): BarOutcome[] {
  return BARS.filter((b) => typeof results[b.key] === 'number' && (b.applies?.(results) ?? true)).map((b) => {
    const value = results[b.key] as number;
    return { bar: b.label, value, pass: b.kind === 'max' ? value <= b.limit : value >= b.limit };
  });
}

interface Line {
  label: string;
  key: string;
  unit: string;
}

const LINES: readonly Line[] = [
  { label: '(a) lag p50', key: 'lag_p50_ms', unit: 'ms' },
  { label: '(a) lag p99', key: 'lag_p99_ms', unit: 'ms' },
  { label: '(a) lag max', key: 'lag_max_ms', unit: 'ms' },
  { label: '(a) load rate achieved', key: 'lag_rate_achieved_per_s', unit: 'txn/s' },
  { label: '(b) drain', key: 'drain_binlogs_per_s', unit: 'binlogs/s' },
  { label: '(c) limit (bare RPC loop)', key: 'limit_binlogs_per_s', unit: 'binlogs/s' },
  { label: '    ratio b/c', key: 'drain_to_limit_ratio', unit: '' },
  { label: '(d) full sync rows', key: 'fullsync_rows', unit: 'rows' },
  { label: '(d) full sync time', key: 'fullsync_seconds', unit: 's' },
  { label: '(e) idle jobs', key: 'idle_jobs', unit: 'jobs' },
  { label: '(e) syncer RSS (mean)', key: 'idle_jobs_rss_mib', unit: 'MiB' },
  { label: '(e) syncer CPU', key: 'idle_jobs_cpu_percent', unit: '% of a core' },
];

/** The result lines that were measured, as an aligned text table, then the bars. */
export function renderTable(results: Results): string {
  const rows = LINES.filter((l) => results[l.key] !== undefined).map((l) => [l.label, String(results[l.key]), l.unit]);
  const bars = checkBars(results).map((b) => [b.pass ? 'PASS' : 'MISS', b.bar, `(${b.value})`]);
  const width = (table: string[][], col: number): number => Math.max(0, ...table.map((r) => (r[col] ?? '').length));
  const render = (table: string[][], rightAlign: number): string[] => {
    const widths = [0, 1, 2].map((c) => width(table, c));
    return table.map((r) =>
      r
        .map((cell, c) => (c === rightAlign ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
        .join('  ')
        .trimEnd(),
    );
  };
  return [...render(rows, 1), '', ...render(bars, -1)].join('\n');
}
