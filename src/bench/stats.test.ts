import { describe, expect, it } from 'vitest';
import { checkBars, renderTable } from './report.js';
import { percentile, summarize } from './stats.js';

describe('bench statistics', () => {
  it('percentile uses the nearest rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile(sorted, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });

  it('summarize sorts its input', () => {
    expect(summarize([30, 10, 20])).toMatchObject({ count: 3, min: 10, p50: 20, max: 30, mean: 20 });
  });
});

describe('bench report', () => {
  it('checks the bars that apply and prints only measured lines', () => {
    const results = { lag_p50_ms: 20, lag_p99_ms: 300, drain_to_limit_ratio: 0.8, idle_jobs: 50, idle_jobs_rss_mib: 900 };
    expect(checkBars(results)).toEqual([
      { bar: 'lag p99 ≤ 250 ms', value: 300, pass: false },
      { bar: 'drain / limit ≥ 0.5', value: 0.8, pass: true },
    ]);
    const table = renderTable(results);
    expect(table).toMatch(/\(a\) lag p99\s+300\s+ms/);
    expect(table).toContain('MISS  lag p99 ≤ 250 ms');
    expect(table).not.toContain('full sync');
  });
});
